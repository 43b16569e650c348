package jp.example.reports;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.*;

@RestController
@RequestMapping("/api/reports")
public class ReportController {
    private final ReportRenderer renderer;
    private final ReportStore store;

    public ReportController(ReportRenderer renderer, ReportStore store) {
        this.renderer = renderer;
        this.store = store;
    }

    @PostMapping
    public ResponseEntity<ReportRef> create(@RequestBody ReportRequest request) {
        byte[] pdf = renderer.render(request);
        String uri = store.save(request.tenantId(), request.reportId(), pdf);
        return ResponseEntity.status(201).body(new ReportRef(request.reportId(), uri));
    }

    @GetMapping("/{tenantId}/{reportId}")
    public ResponseEntity<ReportRef> get(@PathVariable String tenantId, @PathVariable String reportId) {
        return ResponseEntity.ok(new ReportRef(reportId, store.uriOf(tenantId, reportId)));
    }
}
