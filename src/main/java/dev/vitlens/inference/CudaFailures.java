package dev.vitlens.inference;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns ONNX Runtime's long CUDA errors into one short, useful reason. */
final class CudaFailures {
    private static final Pattern MISSING_SO = Pattern.compile("(lib[\\w.+-]+?\\.so(?:\\.\\d+)*): cannot open shared");
    private static final Pattern MISSING_DLL = Pattern.compile("([\\w.+-]+\\.dll)");

    private CudaFailures() {
    }

    static String reason(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                all.append(t.getMessage()).append('\n');
            }
            if (t.getCause() == t) {
                break;
            }
        }
        String text = all.toString();
        Matcher so = MISSING_SO.matcher(text);
        String missing = null;
        while (so.find()) {
            missing = so.group(1); // the innermost (last) library is the dependency that is really missing
        }
        if (missing != null) {
            return "CUDA libraries not found: " + missing;
        }
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("loadlibrary failed") || lower.contains("error 126")) {
            Matcher dll = MISSING_DLL.matcher(text);
            return "CUDA libraries not found" + (dll.find() ? ": " + dll.group(1) + " or its dependencies" : "");
        }
        if (lower.contains("no cuda-capable device")) {
            return "no CUDA-capable GPU detected";
        }
        if (lower.contains("driver version is insufficient")) {
            return "the NVIDIA driver is too old for this CUDA runtime";
        }
        if (lower.contains("not supported in this build") || lower.contains("not compiled")) {
            return "this ONNX Runtime build has no CUDA support";
        }
        if (failure instanceof UnsatisfiedLinkError) {
            return "CUDA libraries not found: " + firstLine(text);
        }
        return firstLine(text);
    }

    private static String firstLine(String text) {
        String line = text.strip();
        int nl = line.indexOf('\n');
        if (nl >= 0) {
            line = line.substring(0, nl);
        }
        return line.length() > 240 ? line.substring(0, 240) + "..." : line;
    }
}
