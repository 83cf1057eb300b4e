package dev.nota.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TrustStoreRefTest {
  @Test
  void parsesTypeAndNameAtTheFirstColon() throws Exception {
    assertEquals(new TrustStoreRef(TrustStoreType.SIGNING_AUTHORITY, "acme.rockets_1-x"),
        TrustStoreRef.parse("signingAuthority:acme.rockets_1-x"));
    assertEquals("tsa:t", TrustStoreRef.parse("tsa:t").toString());
  }

  @Test
  void rejectsMissingSeparator() {
    assertTrue(assertThrows(PolicyException.class, () -> TrustStoreRef.parse("*")).getMessage()
        .startsWith("malformed trust store value \"*\""));
  }

  @Test
  void rejectsUnknownType() {
    assertTrue(assertThrows(PolicyException.class, () -> TrustStoreRef.parse("signingauthority:x")).getMessage()
        .startsWith("unsupported trust store type \"signingauthority\""));
  }

  @Test
  void rejectsInvalidName() {
    assertTrue(assertThrows(PolicyException.class, () -> TrustStoreRef.parse("ca:")).getMessage()
        .startsWith("unsupported trust store name \"\""));
    assertTrue(assertThrows(PolicyException.class, () -> TrustStoreRef.parse("ca:a:b")).getMessage()
        .startsWith("unsupported trust store name \"a:b\""));
    assertThrows(IllegalArgumentException.class, () -> new TrustStoreRef(TrustStoreType.CA, "a/b"));
  }

  @Test
  void quotesLikeGo() {
    assertEquals("\"a\\\"b\\\\c\\n\\x01\"", GoText.quote("a\"b\\c\n\u0001"));
  }
}
