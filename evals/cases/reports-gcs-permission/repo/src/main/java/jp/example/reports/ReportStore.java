package jp.example.reports;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

@Component
public class ReportStore {
    private final Storage storage;
    private final String bucket;

    public ReportStore(Storage storage, @Value("${reports.bucket}") String bucket) {
        this.storage = storage;
        this.bucket = bucket;
    }

    public String save(String tenantId, String reportId, byte[] pdf) {
        BlobInfo info = BlobInfo.newBuilder(BlobId.of(bucket, objectName(tenantId, reportId)))
                .setContentType("application/pdf")
                .build();
        storage.create(info, pdf);
        return uriOf(tenantId, reportId);
    }

    public String uriOf(String tenantId, String reportId) {
        return "gs://" + bucket + "/" + objectName(tenantId, reportId);
    }

    private static String objectName(String tenantId, String reportId) {
        return "tenants/" + tenantId + "/reports/" + reportId + ".pdf";
    }
}
