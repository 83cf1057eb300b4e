package dev.nota.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class DigestTest {
  @Test
  void parsesAndPrintsSha256() throws Exception {
    String s = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
    assertEquals(s, Digest.parse(s).toString());
    assertEquals(Digest.parse(s), Digest.sha256("{}".getBytes()));
  }

  @Test
  void rejectsUpperCaseHexAndUnknownAlgorithms() {
    assertThrows(InvalidContentException.class,
        () -> Digest.parse("sha256:44136FA355B3678A1146AD16F7E8649E94FB4FC21FE77E8310C060F61CAAFF8A"));
    assertThrows(InvalidContentException.class, () -> Digest.parse("md5:abc"));
    assertThrows(InvalidContentException.class, () -> Digest.parse("nocolon"));
  }

  @Test
  void serialisesAsItsStringAndParsesThroughParseInJackson() throws Exception {
    ObjectMapper plain = new ObjectMapper();
    String s = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
    assertEquals("\"" + s + "\"", plain.writeValueAsString(Digest.parse(s)));
    assertEquals(Digest.parse(s), plain.readValue("\"" + s + "\"", Digest.class));
    JsonMappingException e =
        assertThrows(JsonMappingException.class, () -> plain.readValue("\"sha256:abc\"", Digest.class));
    assertTrue(e.getMessage().contains("invalid digest \"sha256:abc\""), e.getMessage());
  }

  @Test
  void namesTheProblemOfEachBadDigest() {
    assertEquals("invalid digest \"\": empty", message(""));
    assertEquals("invalid digest \"nocolon\": missing \"algorithm:\" prefix", message("nocolon"));
    assertEquals("invalid digest \"md5:abc\": unsupported algorithm \"md5\" (sha256, sha384 and sha512 are supported)",
        message("md5:abc"));
    assertEquals("invalid digest \"sha512:ab\": expected 128 lower-case hex characters after \"sha512:\"",
        message("sha512:ab"));
  }

  @Test
  void hashesSha512AndBuildsReferrersTags() throws Exception {
    Digest d = Digest.of(Digest.Algorithm.SHA512, "{}".getBytes());
    assertEquals(128, d.hex().length());
    assertTrue(d.matches("{}".getBytes()));
    assertEquals(d, Digest.parse(d.toString()));
    assertEquals("sha512-" + d.hex(), d.referrersTag());
  }

  @Test
  void acceptsSha384AsGoDigestDoesForBlobSignaturesOfP384AndRsa3072Keys() throws Exception {
    Digest d = Digest.of(Digest.Algorithm.SHA384, "{}".getBytes());
    assertEquals(96, d.hex().length());
    assertEquals(d, Digest.parse(d.toString()));
    assertEquals("invalid digest \"sha384:ab\": expected 96 lower-case hex characters after \"sha384:\"",
        message("sha384:ab"));
  }

  private static String message(String text) {
    return assertThrows(InvalidContentException.class, () -> Digest.parse(text)).getMessage();
  }
}
