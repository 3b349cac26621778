package dev.constellation.agent.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * How https targets are trusted and how the agent identifies itself to them.
 *
 * <p>Files are PKCS12 when their name ends in {@code .p12} or {@code .pfx}, else PEM. A path
 * starting with {@code classpath:} is read from the agent's class path (the test class path, so
 * a file in {@code src/test/resources} travels with the image to AWS); any other path is a file.
 *
 * @param truststore CA or server certificates to trust, PEM (one or more {@code CERTIFICATE}
 *     blocks) or PKCS12; empty for the JVM's default trust (the JDK's cacerts). When set, only
 *     these are trusted.
 * @param truststorePassword the PKCS12 truststore's password; may be empty
 * @param clientCert the client certificate for mutual TLS: PKCS12 with its key, or a PEM
 *     certificate chain (then {@code clientKey} is required); empty for none
 * @param clientKey the client certificate's private key as unencrypted PKCS #8 PEM
 *     ({@code -----BEGIN PRIVATE KEY-----}); only with a PEM {@code clientCert}
 * @param clientCertPassword the PKCS12 client certificate's password; may be empty
 * @param insecure trust every server certificate and check no host name: for test environments
 *     only, and loudly reported
 */
public record TlsSettings(String truststore, String truststorePassword, String clientCert, String clientKey,
    String clientCertPassword, boolean insecure) {

  /** The JVM's default trust, no client certificate. */
  public static final TlsSettings DEFAULT = new TlsSettings("", "", "", "", "", false);

  public TlsSettings {
    truststore = truststore == null ? "" : truststore.trim();
    truststorePassword = truststorePassword == null ? "" : truststorePassword;
    clientCert = clientCert == null ? "" : clientCert.trim();
    clientKey = clientKey == null ? "" : clientKey.trim();
    clientCertPassword = clientCertPassword == null ? "" : clientCertPassword;
  }

  /** Whether anything differs from the JVM's defaults. */
  public boolean customized() {
    return insecure || !truststore.isEmpty() || !clientCert.isEmpty();
  }

  /**
   * The checks a user can fix before a run: each problem names the setting, the value and the fix.
   *
   * @return the problems, empty when the settings build an {@link SSLContext}
   */
  public List<String> problems() {
    List<String> out = new ArrayList<>();
    if (insecure && !truststore.isEmpty()) {
      out.add("insecure is true and truststore is \"" + truststore + "\"; insecure trusts every certificate, so drop one of them");
    }
    if (!clientKey.isEmpty() && (clientCert.isEmpty() || isPkcs12(clientCert))) {
      out.add("clientKey is \"" + clientKey + "\" but clientCert is " + (clientCert.isEmpty() ? "not set" : "PKCS12 (\"" + clientCert
          + "\", which holds its own key)") + "; give a PEM clientCert with a PEM clientKey, or only a PKCS12 clientCert");
    }
    if (!clientCert.isEmpty() && !isPkcs12(clientCert) && clientKey.isEmpty()) {
      out.add("clientCert \"" + clientCert + "\" is PEM but clientKey is not set; give its private key as PKCS #8 PEM in clientKey, "
          + "or use a PKCS12 file (.p12) holding both");
    }
    if (out.isEmpty()) {
      try {
        sslContext();
      } catch (IllegalArgumentException e) {
        out.add(e.getMessage());
      }
    }
    return out;
  }

  /**
   * The SSL context for https requests.
   *
   * @return a context, or null when the JVM's default serves (nothing customized)
   * @throws IllegalArgumentException naming the setting, the file and what is wrong with it
   */
  public SSLContext sslContext() {
    if (!customized()) {
      return null;
    }
    try {
      TrustManager[] trust = insecure ? new TrustManager[] {new TrustAll()} : truststore.isEmpty() ? null : trustManagers();
      KeyManager[] keys = clientCert.isEmpty() ? null : keyManagers();
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(keys, trust, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("TLS settings cannot be used: " + e.getMessage(), e);
    }
  }

  private TrustManager[] trustManagers() throws GeneralSecurityException {
    KeyStore ks;
    if (isPkcs12(truststore)) {
      ks = pkcs12("truststore", truststore, truststorePassword);
    } else {
      List<X509Certificate> certs = pemCertificates("truststore", truststore);
      ks = KeyStore.getInstance("PKCS12");
      try {
        ks.load(null, null);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      for (int i = 0; i < certs.size(); i++) {
        ks.setCertificateEntry("ca-" + i, certs.get(i));
      }
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    return tmf.getTrustManagers();
  }

  private KeyManager[] keyManagers() throws GeneralSecurityException {
    KeyStore ks;
    char[] password;
    if (isPkcs12(clientCert)) {
      ks = pkcs12("clientCert", clientCert, clientCertPassword);
      password = clientCertPassword.toCharArray();
    } else {
      List<X509Certificate> chain = pemCertificates("clientCert", clientCert);
      PrivateKey key = pemKey();
      ks = KeyStore.getInstance("PKCS12");
      try {
        ks.load(null, null);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      password = new char[0];
      ks.setKeyEntry("client", key, password, chain.toArray(new Certificate[0]));
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, password);
    return kmf.getKeyManagers();
  }

  private static boolean isPkcs12(String path) {
    String p = path.toLowerCase(Locale.ROOT);
    return p.endsWith(".p12") || p.endsWith(".pfx");
  }

  private static KeyStore pkcs12(String setting, String path, String password) {
    try (InputStream in = new ByteArrayInputStream(read(setting, path))) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, password.toCharArray());
      return ks;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(setting + " \"" + path + "\" is not a PKCS12 file that opens with the given password ("
          + e.getMessage() + "); check the file and " + setting + "Password", e);
    }
  }

  private static List<X509Certificate> pemCertificates(String setting, String path) {
    byte[] bytes = read(setting, path);
    try {
      Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes));
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate c : certs) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new IllegalArgumentException(setting + " \"" + path + "\" holds no certificate; give PEM with -----BEGIN CERTIFICATE----- "
            + "blocks, or a PKCS12 file named .p12");
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(setting + " \"" + path + "\" is not a PEM certificate file (" + e.getMessage()
          + "); give PEM with -----BEGIN CERTIFICATE----- blocks, or a PKCS12 file named .p12", e);
    }
  }

  private PrivateKey pemKey() {
    String text = new String(read("clientKey", clientKey), StandardCharsets.US_ASCII);
    String begin = "-----BEGIN PRIVATE KEY-----";
    int b = text.indexOf(begin);
    int e = text.indexOf("-----END PRIVATE KEY-----");
    if (b < 0 || e < b) {
      String hint = text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN EC PRIVATE KEY")
          ? "it is in the older PKCS #1/SEC 1 form; convert it with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem"
          : text.contains("BEGIN ENCRYPTED PRIVATE KEY") ? "it is encrypted; decrypt it with: openssl pkcs8 -in key.pem -out key-pkcs8.pem"
          : "expected -----BEGIN PRIVATE KEY----- (unencrypted PKCS #8)";
      throw new IllegalArgumentException("clientKey \"" + clientKey + "\" is not an unencrypted PKCS #8 PEM key: " + hint);
    }
    byte[] der = Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException | IllegalArgumentException wrongAlgorithm) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException("clientKey \"" + clientKey + "\" holds a PKCS #8 key of an algorithm this JVM cannot read; "
        + "use an RSA or EC key");
  }

  private static byte[] read(String setting, String path) {
    try {
      if (path.startsWith("classpath:")) {
        String resource = path.substring("classpath:".length()).replaceFirst("^/", "");
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        try (InputStream in = (cl != null ? cl : TlsSettings.class.getClassLoader()).getResourceAsStream(resource)) {
          if (in == null) {
            throw new IllegalArgumentException(setting + " \"" + path + "\" is not on the class path; put the file under "
                + "src/test/resources/" + resource + " or give a file path");
          }
          return in.readAllBytes();
        }
      }
      return Files.readAllBytes(Path.of(path));
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(setting + " \"" + path + "\" does not exist (relative paths start at "
          + Path.of("").toAbsolutePath() + "); give the file's path", e);
    } catch (IOException e) {
      throw new IllegalArgumentException(setting + " \"" + path + "\" cannot be read: " + e.getMessage(), e);
    }
  }

  /**
   * Trusts every certificate. An {@link X509ExtendedTrustManager} is where JSSE checks the host
   * name as well, so this one also skips that check, in both engines.
   */
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
