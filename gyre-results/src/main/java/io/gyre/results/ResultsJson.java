package io.gyre.results;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Merged results as JSON: {@code {"results": {NAME: {"values": [...], "shape": [...], "stderr": [...],
 * "contributors": n, "weight": w, "op": ..., "unit": ..., "axes": [...]}}}}. A standard error that is not
 * defined (fewer than two contributors) is {@code null}.
 */
public final class ResultsJson {
    private static final JsonFactory JSON = new JsonFactory();

    private ResultsJson() {}

    public static byte[] write(List<MergedResult> results) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeObjectFieldStart("results");
            for (MergedResult r : results) {
                g.writeObjectFieldStart(r.name());
                g.writeStringField("op", r.op().wireName());
                numbers(g, "values", r.values());
                g.writeArrayFieldStart("shape");
                for (int d : r.shape()) {
                    g.writeNumber(d);
                }
                g.writeEndArray();
                numbers(g, "stderr", r.stderr());
                g.writeNumberField("contributors", r.contributors());
                g.writeNumberField("weight", r.weight());
                if (r.unit() != null) {
                    g.writeStringField("unit", r.unit());
                }
                if (!r.axes().isEmpty()) {
                    g.writeArrayFieldStart("axes");
                    for (Axis a : r.axes()) {
                        g.writeStartObject();
                        g.writeStringField("name", a.name());
                        if (a.unit() != null) {
                            g.writeStringField("unit", a.unit());
                        }
                        numbers(g, "values", a.values());
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeEndObject();
            g.writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void numbers(JsonGenerator g, String field, double[] values) throws IOException {
        g.writeArrayFieldStart(field);
        for (double v : values) {
            if (Double.isFinite(v)) {
                g.writeNumber(v);
            } else {
                g.writeNull();
            }
        }
        g.writeEndArray();
    }
}
