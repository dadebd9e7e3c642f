package families

// baseTheme is a subject of local policy and the portfolios it serves.
type baseTheme struct {
	id, name    string
	competences []string
}

// baseThemes are the subjects of local policy the themes are drawn from,
// in order: a family of T themes takes the first T, and beyond these the
// variants of variants.
var baseThemes = []baseTheme{
	{"communicatie", "Communicatie", []string{"burgemeester", "schepen-communicatie", "communicatieambtenaar"}},
	{"zorg", "Zorg en gezondheid", []string{"schepen-welzijn", "welzijnscoordinator", "gezondheidsconsulent"}},
	{"financien", "Lokale financiën", []string{"schepen-financien", "financieel-directeur", "algemeen-directeur"}},
	{"toerisme", "Toerisme en vrije tijd", []string{"schepen-toerisme", "toerismeambtenaar", "vrijetijdscoordinator"}},
	{"participatie", "Participatie", []string{"schepen-participatie", "participatieambtenaar"}},
	{"onderwijs", "Onderwijs", []string{"schepen-onderwijs", "onderwijscoordinator"}},
	{"mobiliteit", "Mobiliteit", []string{"schepen-mobiliteit", "mobiliteitsambtenaar"}},
	{"wonen", "Wonen", []string{"schepen-wonen", "woonambtenaar"}},
	{"klimaat", "Klimaat en energie", []string{"schepen-klimaat", "klimaatambtenaar", "energiecoach"}},
	{"ruimtelijke-ordening", "Ruimtelijke ordening", []string{"schepen-ruimtelijke-ordening", "stedenbouwkundige"}},
	{"economie", "Lokale economie", []string{"schepen-economie", "economisch-adviseur"}},
	{"veiligheid", "Veiligheid en noodplanning", []string{"burgemeester", "noodplanningscoordinator"}},
	{"cultuur", "Cultuur", []string{"schepen-cultuur", "cultuurbeleidscoordinator"}},
	{"sport", "Sport", []string{"schepen-sport", "sportfunctionaris"}},
	{"jeugd", "Jeugd", []string{"schepen-jeugd", "jeugdconsulent"}},
	{"armoede", "Armoedebestrijding", []string{"schepen-welzijn", "maatschappelijk-werker"}},
	{"digitalisering", "Digitalisering", []string{"ict-coordinator", "informatieveiligheidsconsulent"}},
	{"personeel", "Personeel en organisatie", []string{"algemeen-directeur", "hr-verantwoordelijke"}},
	{"natuur", "Omgeving en natuur", []string{"schepen-leefmilieu", "milieuambtenaar"}},
	{"integratie", "Integratie en inburgering", []string{"schepen-gelijke-kansen", "integratieambtenaar"}},
	{"ouderen", "Ouderenbeleid", []string{"schepen-senioren", "ouderenconsulent"}},
	{"kinderopvang", "Kinderopvang", []string{"schepen-kinderopvang", "kinderopvangcoordinator"}},
	{"erfgoed", "Onroerend erfgoed", []string{"schepen-erfgoed", "erfgoedconsulent"}},
	{"landbouw", "Landbouw en platteland", []string{"schepen-landbouw", "plattelandsconsulent"}},
	{"afval", "Afval en circulaire economie", []string{"schepen-leefmilieu", "afvalconsulent"}},
}

// variants deepen a base theme when a family has more themes than
// baseThemes: "Mobiliteit: data en monitoring". Past these, themes are
// numbered: "Mobiliteit 6".
var variants = []struct{ id, name string }{
	{"praktijk", "praktijkvoorbeelden"},
	{"beleid", "beleidsplanning"},
	{"data", "data en monitoring"},
	{"samenwerking", "intergemeentelijke samenwerking"},
}

// generalists hold portfolios that serve no theme.
var generalists = []string{"beleidscoordinator", "gemeenteraadslid"}

// kennisdagPlaces are the sixteen municipalities of the knowledge day of
// examples/kennisdag.
var kennisdagPlaces = []string{
	"Hasselt", "Genk", "Leuven", "Mechelen", "Sint-Truiden", "Beringen", "Tongeren", "Maasmechelen",
	"Houthalen-Helchteren", "Heusden-Zolder", "Lommel", "Bilzen", "Zonhoven", "Lanaken", "Diepenbeek", "Peer",
}

// places are Flemish municipalities, the larger first; the largest
// organisations of an event get the first names.
var places = []string{
	"Antwerpen", "Gent", "Brugge", "Leuven", "Mechelen", "Aalst", "Kortrijk", "Hasselt",
	"Sint-Niklaas", "Oostende", "Genk", "Roeselare", "Dendermonde", "Turnhout", "Beringen", "Vilvoorde",
	"Lokeren", "Dilbeek", "Beveren", "Heist-op-den-Berg", "Geel", "Mol", "Halle", "Ninove",
	"Waregem", "Brasschaat", "Lier", "Sint-Truiden", "Ieper", "Zaventem", "Tienen", "Grimbergen",
	"Mortsel", "Tongeren", "Lommel", "Maasmechelen", "Ronse", "Harelbeke", "Knokke-Heist", "Schoten",
	"Zele", "Wevelgem", "Menen", "Herentals", "Deinze", "Edegem", "Zwevegem", "Wetteren",
	"Bilzen", "Lanaken", "Kapellen", "Houthalen-Helchteren", "Heusden-Zolder", "Hoogstraten", "Diest", "Aarschot",
	"Asse", "Zottegem", "Bornem", "Brecht", "Temse", "Willebroek", "Tielt", "Izegem",
	"Kapelle-op-den-Bos", "Evergem", "Maldegem", "Wervik", "Poperinge", "Torhout", "Diksmuide", "Veurne",
	"Koksijde", "De Panne", "Nieuwpoort", "Middelkerke", "Bredene", "De Haan", "Blankenberge", "Damme",
	"Oostkamp", "Zedelgem", "Beernem", "Jabbeke", "Gistel", "Ichtegem", "Kortemark", "Lichtervelde",
	"Ardooie", "Pittem", "Wingene", "Ruiselede", "Lendelede", "Kuurne", "Deerlijk", "Anzegem",
	"Avelgem", "Spiere-Helkijn", "Heuvelland", "Mesen", "Langemark-Poelkapelle", "Staden", "Moorslede", "Ledegem",
	"Hooglede", "Zonnebeke", "Oudenaarde", "Kruisem", "Zulte", "Nazareth", "De Pinte", "Sint-Martens-Latem",
	"Merelbeke", "Melle", "Destelbergen", "Lochristi", "Wachtebeke", "Moerbeke", "Stekene", "Sint-Gillis-Waas",
	"Kruibeke", "Waasmunster", "Hamme", "Berlare", "Wichelen", "Lede", "Erpe-Mere", "Haaltert",
	"Denderleeuw", "Geraardsbergen", "Brakel", "Horebeke", "Maarkedal", "Kluisbergen", "Wortegem-Petegem", "Herzele",
	"Sint-Lievens-Houtem", "Oosterzele", "Laarne", "Assenede", "Eeklo", "Kaprijke", "Sint-Laureins", "Zelzate",
	"Aalter", "Lievegem", "Buggenhout", "Lebbeke", "Opwijk", "Merchtem", "Londerzeel", "Meise",
	"Wemmel", "Machelen", "Steenokkerzeel", "Kampenhout", "Kortenberg", "Herent", "Bertem", "Oud-Heverlee",
	"Bierbeek", "Boutersem", "Hoegaarden", "Landen", "Zoutleeuw", "Glabbeek", "Kortenaken", "Tielt-Winge",
	"Holsbeek", "Rotselaar", "Haacht", "Boortmeerbeek", "Keerbergen", "Tremelo", "Begijnendijk", "Scherpenheuvel-Zichem",
	"Bekkevoort", "Lubbeek", "Tervuren", "Overijse", "Hoeilaart", "Sint-Genesius-Rode", "Beersel", "Drogenbos",
	"Linkebeek", "Pepingen", "Galmaarden", "Gooik", "Lennik", "Roosdaal", "Affligem", "Liedekerke",
	"Ternat", "Sint-Pieters-Leeuw", "Zemst", "Bonheiden", "Duffel", "Putte", "Berlaar", "Nijlen",
	"Zandhoven", "Ranst", "Zoersel", "Malle", "Schilde", "Wijnegem", "Wommelgem", "Boechout",
	"Kontich", "Aartselaar", "Hemiksem", "Schelle", "Niel", "Boom", "Rumst", "Puurs-Sint-Amands",
	"Stabroek", "Kalmthout", "Essen", "Wuustwezel", "Rijkevorsel", "Merksplas", "Beerse", "Vosselaar",
	"Oud-Turnhout", "Ravels", "Arendonk", "Retie", "Dessel", "Balen", "Meerhout", "Laakdal",
	"Westerlo", "Herselt", "Hulshout", "Olen", "Grobbendonk", "Vorselaar", "Lille", "Kasterlee",
	"Peer", "Pelt", "Hamont-Achel", "Bree", "Bocholt", "Hechtel-Eksel", "Leopoldsburg", "Ham",
	"Tessenderlo", "Lummen", "Halen", "Herk-de-Stad", "Nieuwerkerken", "Alken", "Wellen", "Borgloon",
	"Heers", "Gingelom", "Kortessem", "Riemst", "Voeren", "Dilsen-Stokkem", "Maaseik", "Kinrooi",
	"Oudsbergen", "As", "Zutendaal", "Diepenbeek", "Zonhoven", "Hoeselt", "Herstappe", "Lint",
}

// kinds name the organisations that are not the municipality itself:
// "OCMW Hasselt". The empty kind is the municipality.
var kinds = []string{
	"", "OCMW", "Politiezone", "Autonoom Gemeentebedrijf", "Welzijnsvereniging",
	"Cultuurcentrum", "Bibliotheek", "Woonmaatschappij", "Brandweerpost", "Zorgbedrijf",
}

var firstNames = []string{
	"An", "Els", "Katrien", "Sofie", "Inge", "Veerle", "Griet", "Liesbeth", "Sarah", "Leen",
	"Nathalie", "Evelien", "Hilde", "Karen", "Tine", "Lien", "Nele", "Jan", "Tom", "Koen",
	"Bart", "Pieter", "Dirk", "Wim", "Geert", "Kris", "Steven", "Luc", "Stijn", "Jeroen",
}

var lastNames = []string{
	"Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters", "De Smet",
	"Hermans", "Aerts", "Vermeulen", "Van den Broeck", "Lemmens", "Pauwels", "Michiels", "Smets", "Martens", "Stevens",
}
