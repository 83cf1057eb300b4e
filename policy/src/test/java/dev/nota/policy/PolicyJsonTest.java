package dev.nota.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Documents are read the way Go's encoding/json fills notation's structs. */
class PolicyJsonTest {
  static OciTrustPolicyDocument parse(String json) throws PolicyException {
    return OciTrustPolicyDocument.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  static String malformed(String json) {
    PolicyException e = assertThrows(PolicyException.class, () -> parse(json));
    assertTrue(e.getMessage().startsWith("malformed trust policy: "), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    return e.getMessage();
  }

  static final String STATEMENT = "{\"name\":\"p\",\"registryScopes\":[\"*\"],\"signatureVerification\":"
      + "{\"level\":\"strict\"},\"trustStores\":[\"ca:s\"],\"trustedIdentities\":[\"*\"]}";

  @Test
  void ignoresUnknownMembersAtEveryLevel() throws Exception {
    OciTrustPolicyDocument d = parse("{\"version\":\"1.0\",\"comment\":{\"x\":[1,2]},\"trustPolicies\":[{\"name\":"
        + "\"p\",\"globalPolicy\":true,\"extra\":null,\"registryScopes\":[\"*\"],\"signatureVerification\":"
        + "{\"level\":\"strict\",\"unknown\":1},\"trustStores\":[\"ca:s\"],\"trustedIdentities\":[\"*\"]}]}");
    assertEquals("p", d.trustPolicies().get(0).name());
  }

  @Test
  void matchesMemberNamesCaseInsensitively() throws Exception {
    OciTrustPolicyDocument d = parse("{\"VERSION\":\"1.0\",\"TrustPolicies\":[{\"Name\":\"p\",\"registryscopes\":"
        + "[\"*\"],\"SignatureVerification\":{\"Level\":\"audit\",\"Override\":{\"expiry\":\"enforce\"}},"
        + "\"TRUSTSTORES\":[\"ca:s\"],\"trustedidentities\":[\"*\"]}]}");
    OciTrustPolicy p = d.trustPolicies().get(0);
    assertEquals(VerificationLevel.AUDIT, p.signatureVerification().level());
    assertEquals(ValidationAction.ENFORCE, p.signatureVerification().action(ValidationType.EXPIRY));
  }

  @Test
  void keepsOverrideKeysCaseSensitive() {
    PolicyException e = assertThrows(PolicyException.class, () -> parse("{\"version\":\"1.0\",\"trustPolicies\":"
        + "[{\"name\":\"p\",\"registryScopes\":[\"*\"],\"signatureVerification\":{\"level\":\"strict\",\"override\":"
        + "{\"EXPIRY\":\"log\"}},\"trustStores\":[\"ca:s\"],\"trustedIdentities\":[\"*\"]}]}"));
    assertTrue(e.getMessage().contains("verification type \"EXPIRY\""), e.getMessage());
  }

  @Test
  void letsALaterDuplicateMemberWin() throws Exception {
    OciTrustPolicyDocument d = parse("{\"version\":\"2.0\",\"version\":\"1.0\",\"trustPolicies\":[" + STATEMENT
        + "]}");
    assertEquals("1.0", d.version());
  }

  @Test
  void decodesARepeatedObjectOnTopOfTheEarlierOne() throws Exception {
    OciTrustPolicy p = parse("{\"version\":\"1.0\",\"trustPolicies\":[{\"name\":\"p\",\"registryScopes\":[\"*\"],"
        + "\"signatureVerification\":{\"level\":\"strict\",\"override\":{\"expiry\":\"log\"}},"
        + "\"signatureVerification\":{\"override\":{\"revocation\":\"skip\"}},"
        + "\"trustStores\":[\"ca:s\"],\"trustedIdentities\":[\"*\"]}]}").trustPolicies().get(0);
    assertEquals(VerificationLevel.STRICT, p.signatureVerification().level());
    assertEquals(ValidationAction.LOG, p.signatureVerification().action(ValidationType.EXPIRY));
    assertEquals(ValidationAction.SKIP, p.signatureVerification().action(ValidationType.REVOCATION));
  }

  @Test
  void treatsNullAsAbsent() throws Exception {
    OciTrustPolicy p = parse("{\"version\":\"1.0\",\"trustPolicies\":[{\"name\":\"p\",\"registryScopes\":[\"*\"],"
        + "\"signatureVerification\":{\"level\":\"skip\",\"override\":null,\"verifyTimestamp\":null},"
        + "\"trustStores\":null,\"trustedIdentities\":null}]}").trustPolicies().get(0);
    assertEquals(List.of(), p.trustStores());
    assertEquals(VerifyTimestamp.ALWAYS, p.signatureVerification().verifyTimestamp());
  }

  @Test
  void ignoresTextAfterTheDocument() throws Exception {
    assertEquals("p", parse("{\"version\":\"1.0\",\"trustPolicies\":[" + STATEMENT + "]} trailing ] garbage")
        .trustPolicies().get(0).name());
  }

  @Test
  void rejectsInvalidJsonAsMalformed() {
    assertTrue(malformed("{\"version\":\"1.0\",").contains("line"));
    malformed("");
    malformed("   ");
    malformed("{'version':'1.0'}");
    malformed("\uFEFF{\"version\":\"1.0\"}");
  }

  @Test
  void rejectsMembersOfTheWrongType() {
    assertTrue(malformed("{\"version\":1.0}").contains("version must be a string, found a number"));
    assertTrue(malformed("[]").contains("the document must be an object"));
    assertTrue(malformed("{\"version\":\"1.0\",\"trustPolicies\":{}}").contains("trustPolicies must be an array"));
    assertTrue(malformed("{\"version\":\"1.0\",\"trustPolicies\":[{\"registryScopes\":\"*\"}]}")
        .contains("registryScopes must be an array, found a string"));
    assertTrue(malformed("{\"version\":\"1.0\",\"trustPolicies\":[{\"trustStores\":[1]}]}")
        .contains("trustStores must be a string"));
    assertTrue(malformed("{\"version\":\"1.0\",\"trustPolicies\":[{\"globalPolicy\":\"yes\"}]}")
        .contains("globalPolicy must be a boolean"));
    assertTrue(malformed("{\"version\":\"1.0\",\"trustPolicies\":[{\"signatureVerification\":\"strict\"}]}")
        .contains("signatureVerification must be an object"));
  }

  @Test
  void replacesInvalidUtf8LikeGo() throws Exception {
    byte[] json = ("{\"version\":\"1.0\",\"trustPolicies\":[{\"name\":\"p\u00ff\",\"registryScopes\":[\"*\"],"
        + "\"signatureVerification\":{\"level\":\"skip\"}}]}").getBytes(StandardCharsets.ISO_8859_1);
    assertEquals("p\uFFFD", OciTrustPolicyDocument.parse(json).trustPolicies().get(0).name());
  }
}
