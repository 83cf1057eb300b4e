package dev.nota.policy;

import static dev.nota.policy.ValidationAction.ENFORCE;
import static dev.nota.policy.ValidationAction.LOG;
import static dev.nota.policy.ValidationAction.SKIP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VerificationLevelTest {
  private static final List<ValidationType> ORDER = List.of(ValidationType.INTEGRITY, ValidationType.AUTHENTICITY,
      ValidationType.AUTHENTIC_TIMESTAMP, ValidationType.EXPIRY, ValidationType.REVOCATION);

  private static void assertRow(VerificationLevel level, ValidationAction... expected) {
    for (int i = 0; i < ORDER.size(); i++) {
      assertEquals(expected[i], level.action(ORDER.get(i)), level + " " + ORDER.get(i));
      assertEquals(expected[i], SignatureVerification.of(level).action(ORDER.get(i)), level + " " + ORDER.get(i));
    }
  }

  @Test
  void strictEnforcesEverything() {
    assertRow(VerificationLevel.STRICT, ENFORCE, ENFORCE, ENFORCE, ENFORCE, ENFORCE);
  }

  @Test
  void permissiveEnforcesIntegrityAndAuthenticityAndLogsTheRest() {
    assertRow(VerificationLevel.PERMISSIVE, ENFORCE, ENFORCE, LOG, LOG, LOG);
  }

  @Test
  void auditEnforcesOnlyIntegrity() {
    assertRow(VerificationLevel.AUDIT, ENFORCE, LOG, LOG, LOG, LOG);
  }

  @Test
  void skipSkipsEverything() {
    assertRow(VerificationLevel.SKIP, SKIP, SKIP, SKIP, SKIP, SKIP);
  }

  @Test
  void parsesLevelNamesCaseSensitively() throws Exception {
    assertEquals(VerificationLevel.STRICT, VerificationLevel.parse("strict"));
    assertEquals(VerificationLevel.PERMISSIVE, VerificationLevel.parse("permissive"));
    assertEquals(VerificationLevel.AUDIT, VerificationLevel.parse("audit"));
    assertEquals(VerificationLevel.SKIP, VerificationLevel.parse("skip"));
    assertTrue(assertThrows(PolicyException.class, () -> VerificationLevel.parse("STRICT")).getMessage()
        .equals("invalid signature verification level \"STRICT\""));
    assertTrue(assertThrows(PolicyException.class, () -> VerificationLevel.parse("")).getMessage()
        .contains("empty or missing"));
  }

  @Test
  void jsonNamesAreNotationsSpelling() {
    assertEquals(List.of("integrity", "authenticity", "authenticTimestamp", "expiry", "revocation"),
        ORDER.stream().map(ValidationType::jsonName).toList());
    assertEquals("signingAuthority", TrustStoreType.SIGNING_AUTHORITY.value());
    assertEquals("afterCertExpiry", VerifyTimestamp.AFTER_CERT_EXPIRY.jsonName());
    assertEquals("log", LOG.jsonName());
  }

  @Test
  void overrideReplacesOnlyItsOwnEntry() {
    SignatureVerification sv = new SignatureVerification(VerificationLevel.AUDIT,
        Map.of(ValidationType.AUTHENTICITY, ENFORCE, ValidationType.REVOCATION, SKIP), VerifyTimestamp.ALWAYS);
    assertEquals(ENFORCE, sv.action(ValidationType.INTEGRITY));
    assertEquals(ENFORCE, sv.action(ValidationType.AUTHENTICITY));
    assertEquals(LOG, sv.action(ValidationType.AUTHENTIC_TIMESTAMP));
    assertEquals(LOG, sv.action(ValidationType.EXPIRY));
    assertEquals(SKIP, sv.action(ValidationType.REVOCATION));
  }

  @Test
  void overridesOfEveryLevelFromJson() throws Exception {
    for (String level : List.of("strict", "permissive", "audit")) {
      for (String action : List.of("enforce", "log")) {
        for (ValidationType type : ORDER.subList(1, 5)) {
          String json = OciTrustPolicyDocumentTest.doc(OciTrustPolicyDocumentTest.statement("\"p\"", "[\"*\"]",
              "{\"level\":\"" + level + "\",\"override\":{\"" + type.jsonName() + "\":\"" + action + "\"}}",
              "[\"ca:s\"]", "[\"*\"]"));
          SignatureVerification sv = OciTrustPolicyDocumentTest.parse(json).trustPolicies().get(0)
              .signatureVerification();
          assertEquals(ValidationAction.valueOf(action.toUpperCase()), sv.action(type), level + type + action);
          for (ValidationType other : ORDER) {
            if (other != type) {
              assertEquals(VerificationLevel.parse(level).action(other), sv.action(other));
            }
          }
        }
      }
    }
  }

  @Test
  void constructorRefusesOverridesNotationForbids() {
    assertThrows(IllegalArgumentException.class, () -> new SignatureVerification(VerificationLevel.STRICT,
        Map.of(ValidationType.INTEGRITY, LOG), VerifyTimestamp.ALWAYS));
    assertThrows(IllegalArgumentException.class, () -> new SignatureVerification(VerificationLevel.STRICT,
        Map.of(ValidationType.EXPIRY, SKIP), VerifyTimestamp.ALWAYS));
    assertThrows(IllegalArgumentException.class, () -> new SignatureVerification(VerificationLevel.SKIP,
        Map.of(ValidationType.REVOCATION, LOG), VerifyTimestamp.ALWAYS));
  }
}
