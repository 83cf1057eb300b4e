package dev.nota.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Map;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;

class X509SubjectIdentityTest {
  static final Path CERTS = Path.of(System.getProperty("nota.shared"), "vectors/notation/notation-go/certs");

  static X509Certificate cert(Path file) throws Exception {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  static X509SubjectIdentity id(String dn) throws PolicyException {
    return X509SubjectIdentity.parse(dn);
  }

  @Test
  void parsesSpacesEscapesAndStateAlias() throws Exception {
    assertEquals(Map.of("C", "US", "ST", "WA", "O", "a, b", "CN", " lead"),
        id(" C=US ; S = WA , O=a\\, b,CN=\\ lead").attributes());
    assertEquals("é", id("C=US,ST=WA,O=\\C3\\A9").attributes().get("O"));
    assertEquals("trail ", id("C=US,ST=WA,O=trail\\ ").attributes().get("O"));
    assertEquals("x=y", id("C=US,ST=WA,O=x=y").attributes().get("O"));
  }

  @Test
  void keepsAttributeTypeCase() {
    PolicyException e = assertThrows(PolicyException.class, () -> id("c=US,st=WA,o=x"));
    assertTrue(e.getMessage().contains("has no mandatory RDN attribute for \"C\""), e.getMessage());
  }

  @Test
  void rejectsBrokenEscapes() {
    assertTrue(assertThrows(PolicyException.class, () -> id("C=US,ST=WA,O=x\\")).getMessage()
        .contains("got corrupted escaped character"));
    assertTrue(assertThrows(PolicyException.class, () -> id("C=US,ST=WA,O=x\\zz")).getMessage()
        .contains("failed to decode escaped character"));
  }

  @Test
  void treatsAnEmptyValueAsAbsent() throws Exception {
    assertTrue(assertThrows(PolicyException.class, () -> id("C=,ST=WA,O=x")).getMessage()
        .contains("no mandatory RDN attribute for \"C\""));
    assertEquals("b", id("C=US,ST=WA,O=,O=b").attributes().get("O"));
  }

  @Test
  void matchesWhenLeafHasEveryAttributeInAnyOrder() throws Exception {
    X500Principal leaf = cert(CERTS.resolve("signing-cert.pem")).getSubjectX500Principal();
    assertTrue(id("C=US,ST=WA,O=SomeOrg").matches(leaf));
    assertTrue(id("O=SomeOrg, ST=WA, C=US, OU=SomeOU, L=Seattle, CN=SomeCN").matches(leaf));
    assertTrue(id("C=US,S=WA,O=SomeOrg").matches(leaf));
  }

  @Test
  void doesNotMatchWhenAValueOrAttributeDiffers() throws Exception {
    X500Principal leaf = cert(CERTS.resolve("signing-cert.pem")).getSubjectX500Principal();
    assertFalse(id("C=US,ST=WA,O=someorg").matches(leaf));
    assertFalse(id("C=US,ST=WA,O=SomeOrg,CN=Other").matches(leaf));
    assertFalse(id("C=US,ST=WA,O=SomeOrg,STREET=Main").matches(leaf));
    assertFalse(id("C=USB,ST=WA,O=SomeOrg").matches(leaf));
  }

  @Test
  void emptyPolicyValueRequiresTheLeafToLackTheAttribute() throws Exception {
    X500Principal leaf = new X500Principal("CN=x,O=a,ST=WA,C=US");
    assertTrue(id("C=US,ST=WA,O=a,L=").matches(leaf));
    assertFalse(id("C=US,ST=WA,O=a,CN=").matches(leaf));
  }

  @Test
  void rendersSubjectsLikeGo() throws Exception {
    assertEquals("CN=SomeCN,OU=SomeOU,O=SomeOrg,L=Seattle,ST=WA,C=US",
        DistinguishedNames.goSubjectString(cert(CERTS.resolve("signing-cert.pem")).getSubjectX500Principal()));
    assertEquals("CN=a\\,b,O=\\#x,ST=\\ WA\\ ,C=US",
        DistinguishedNames.goSubjectString(new X500Principal("C=US,ST=\\ WA\\ ,O=\\#x,CN=a\\,b")));
    // Go orders known attributes itself and merges repeated ones into one multi-valued RDN (in DER order, which
    // is the reverse of the RFC 2253 text given here).
    assertEquals("CN=n,OU=y+OU=x,O=o,ST=s,C=US",
        DistinguishedNames.goSubjectString(new X500Principal("OU=x,C=US,CN=n,OU=y,O=o,ST=s")));
  }

  @Test
  void leafWithRepeatedAttributeMatchesNothing() {
    X500Principal leaf = new X500Principal("CN=n,OU=x,OU=y,O=o,ST=s,C=US");
    assertThrows(PolicyException.class, () -> X509SubjectIdentity.subjectAttributes(leaf));
    assertFalse(assertDoesNotThrowId("C=US,ST=s,O=o").matches(leaf));
  }

  @Test
  void leafWithAttributeGoCannotNameMatchesNothing() {
    X500Principal leaf = new X500Principal("EMAILADDRESS=a@b.c,CN=n,O=o,ST=s,C=US");
    PolicyException e = assertThrows(PolicyException.class, () -> X509SubjectIdentity.subjectAttributes(leaf));
    assertTrue(e.getMessage().contains("=#"), e.getMessage());
    assertFalse(assertDoesNotThrowId("C=US,ST=s,O=o").matches(leaf));
  }

  @Test
  void leafWithoutMandatoryAttributesMatchesNothing() {
    assertFalse(assertDoesNotThrowId("C=US,ST=s,O=o").matches(new X500Principal("CN=n,C=US")));
  }

  @Test
  void badCertificateSubjectIsRejected() throws Exception {
    X500Principal bad = cert(CERTS.resolve("bad-cert.pem")).getSubjectX500Principal();
    assertThrows(PolicyException.class, () -> X509SubjectIdentity.subjectAttributes(bad));
  }

  @Test
  void wildcardMatchesAnything() {
    assertTrue(new AnyIdentity().matches(new X500Principal("CN=whatever")));
    assertEquals("*", new AnyIdentity().toString());
  }

  @Test
  void printsAsWritten() throws Exception {
    assertEquals("x509.subject: C=US, ST=WA, O=a", id(" C=US, ST=WA, O=a").toString());
  }

  private static X509SubjectIdentity assertDoesNotThrowId(String dn) {
    try {
      return id(dn);
    } catch (PolicyException e) {
      throw new AssertionError(e);
    }
  }
}
