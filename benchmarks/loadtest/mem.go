package main

import (
	"encoding/json"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/roundtable-go/roundtable/examples/service/server"
)

// memPeak is the most memory and load seen while sampling.
type memPeak struct {
	heapInuse, heapSys, sys uint64
	running, inFlight       int
}

type sampler struct {
	done chan struct{}
	wg   sync.WaitGroup
	peak memPeak
}

// startSampler reads runtime.MemStats, and the service's /healthz, every
// 50 ms until stop.
func startSampler(base string) *sampler {
	s := &sampler{done: make(chan struct{})}
	client := &http.Client{Timeout: time.Second}
	s.wg.Go(func() {
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			s.peak.heapInuse = max(s.peak.heapInuse, m.HeapInuse)
			s.peak.heapSys = max(s.peak.heapSys, m.HeapSys)
			s.peak.sys = max(s.peak.sys, m.Sys)
			if resp, err := client.Get(base + "/healthz"); err == nil {
				var h server.Health
				if json.NewDecoder(resp.Body).Decode(&h) == nil {
					s.peak.running = max(s.peak.running, h.Running)
					s.peak.inFlight = max(s.peak.inFlight, h.InFlight)
				}
				resp.Body.Close()
			}
			select {
			case <-s.done:
				return
			case <-t.C:
			}
		}
	})
	return s
}

func (s *sampler) stop() memPeak {
	close(s.done)
	s.wg.Wait()
	return s.peak
}
