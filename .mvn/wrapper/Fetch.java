import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * What ./mvnw uses where neither curl nor wget is installed, so that a JDK is all it needs.
 * {@code java Fetch.java URL FILE} downloads URL to FILE; {@code java Fetch.java --sha256 FILE}
 * prints FILE's SHA-256.
 */
class Fetch {
  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("--sha256")) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      try (InputStream in = Files.newInputStream(Path.of(args[1]))) {
        byte[] buffer = new byte[1 << 16];
        for (int n; (n = in.read(buffer)) > 0; ) {
          digest.update(buffer, 0, n);
        }
      }
      System.out.println(HexFormat.of().formatHex(digest.digest()));
      return;
    }
    if (args.length != 2) {
      System.err.println("usage: java Fetch.java URL FILE | --sha256 FILE");
      System.exit(2);
    }
    URI uri = URI.create(args[0]);
    try {
      if ("file".equals(uri.getScheme())) {
        Files.copy(Path.of(uri), Path.of(args[1]), StandardCopyOption.REPLACE_EXISTING);
        return;
      }
      HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
      HttpResponse<Path> response = client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofFile(Path.of(args[1])));
      if (response.statusCode() != 200) {
        System.err.println("mvnw: could not fetch " + uri + ": HTTP status " + response.statusCode());
        System.exit(1);
      }
    } catch (java.io.IOException e) {
      System.err.println("mvnw: could not fetch " + uri + ": " + e);
      System.exit(1);
    }
  }
}
