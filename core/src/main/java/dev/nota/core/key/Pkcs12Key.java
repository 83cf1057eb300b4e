package dev.nota.core.key;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads a signing key and its certificate chain from a PKCS#12 bundle ({@code .p12}/{@code .pfx}), the form in
 * which CAs and Windows hand out code signing keys. The JDK's PKCS12 key store decrypts it; the result is a
 * {@link LocalKey}, so the chain passes the same certificate rules as a PEM key. The password is only ever passed
 * in, never stored.
 */
public final class Pkcs12Key {
  private static final long MAX_FILE = 1024 * 1024;

  private Pkcs12Key() {}

  /**
   * Whether {@code file} looks like a PKCS#12 bundle rather than PEM text: it starts with a DER SEQUENCE tag. A
   * signingkeys.json entry whose {@code keyPath} and {@code certPath} name the same such file is a PKCS#12 key.
   */
  public static boolean isBundle(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return in.read() == 0x30;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Opens {@code bundle} with {@code password} and returns its key, checked at {@code clock}'s time.
   *
   * @param alias the entry to use, or null when the bundle holds exactly one key
   * @throws KeyException for a missing or unreadable file, a wrong password, no key, several keys and no alias, a
   *     key without a certificate chain, an unsupported key type or a chain that breaks the certificate rules
   */
  public static LocalKey load(Path bundle, String alias, char[] password, Clock clock) throws KeyException {
    String what = "PKCS#12 file " + bundle;
    KeyStore store;
    try {
      if (Files.size(bundle) > MAX_FILE) {
        throw new KeyException(what + " is over " + MAX_FILE + " bytes");
      }
      store = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(bundle)) {
        store.load(in, password);
      }
    } catch (NoSuchFileException e) {
      throw new KeyException(what + " does not exist", e);
    } catch (IOException e) {
      if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
        throw new KeyException("wrong password for " + what, e);
      }
      throw new KeyException("cannot read " + what + ": " + oneLine(e), e);
    } catch (GeneralSecurityException e) {
      throw new KeyException("cannot read " + what + ": " + oneLine(e), e);
    }
    try {
      List<String> keys = new ArrayList<>();
      for (String a : Collections.list(store.aliases())) {
        if (store.isKeyEntry(a)) {
          keys.add(a);
        }
      }
      if (keys.isEmpty()) {
        throw new KeyException(what + " holds no private key (only certificates)");
      }
      if (alias == null) {
        if (keys.size() > 1) {
          throw new KeyException(what + " holds " + keys.size() + " keys (" + String.join(", ", keys)
              + "); pick one with --alias");
        }
        alias = keys.get(0);
      } else if (!keys.contains(alias)) {
        throw new KeyException(what + " has no key with alias \"" + alias + "\" (its keys: " + String.join(", ", keys)
            + ")");
      }
      Key key;
      try {
        key = store.getKey(alias, password);
      } catch (UnrecoverableKeyException e) {
        throw new KeyException("the key \"" + alias + "\" in " + what + " has a password other than the file's; "
            + "nota needs one password for both", e);
      }
      if (!(key instanceof PrivateKey privateKey)) {
        throw new KeyException("entry \"" + alias + "\" in " + what + " is not a private key");
      }
      Certificate[] chain = store.getCertificateChain(alias);
      if (chain == null || chain.length == 0) {
        throw new KeyException("the key \"" + alias + "\" in " + what + " has no certificate chain");
      }
      List<X509Certificate> certs = new ArrayList<>();
      for (Certificate c : chain) {
        if (!(c instanceof X509Certificate x)) {
          throw new KeyException(what + " holds a " + c.getType() + " certificate, not X.509");
        }
        certs.add(x);
      }
      try {
        return LocalKey.of(privateKey, certs, clock);
      } catch (KeyException e) {
        throw new KeyException(what + ": " + e.getMessage(), e);
      }
    } catch (GeneralSecurityException e) {
      throw new KeyException("cannot read " + what + ": " + oneLine(e), e);
    }
  }

  private static String oneLine(Exception e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.replace('\n', ' ');
  }
}
