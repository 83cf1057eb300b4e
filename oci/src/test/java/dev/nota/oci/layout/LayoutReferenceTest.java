package dev.nota.oci.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nota.oci.InvalidContentException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LayoutReferenceTest {

  static final String DIGEST = "sha256:b8479de3f88fb259a0a9ea82a5b2a052a1ef3c4ebbcfc61482d5ae4c831f8af9";

  @Test
  void parsesADirectoryAndATag() throws Exception {
    LayoutReference r = LayoutReference.parse("/tmp/layout:v1.2_3-rc");
    assertEquals(Path.of("/tmp/layout"), r.path());
    assertEquals("v1.2_3-rc", r.reference());
    assertFalse(r.isDigest());
    assertEquals("/tmp/layout:v1.2_3-rc", r.toString());
  }

  @Test
  void parsesADirectoryAndADigest() throws Exception {
    LayoutReference r = LayoutReference.parse("layouts/app@" + DIGEST);
    assertEquals(Path.of("layouts/app"), r.path());
    assertEquals(DIGEST, r.reference());
    assertTrue(r.isDigest());
  }

  @Test
  void splitsOnTheLastColonSoPathsMayContainColons() throws Exception {
    LayoutReference r = LayoutReference.parse("/data/a:b/layout:latest");
    assertEquals(Path.of("/data/a:b/layout"), r.path());
    assertEquals("latest", r.reference());
    LayoutReference d = LayoutReference.parse("/data/x:y/layout@" + DIGEST);
    assertEquals(Path.of("/data/x:y/layout"), d.path());
  }

  @Test
  void rejectsAReferenceWithoutTagOrDigest() {
    InvalidContentException e = assertThrows(InvalidContentException.class, () -> LayoutReference.parse("layout"));
    assertTrue(e.getMessage().contains("missing the tag or digest"), e.getMessage());
  }

  @Test
  void rejectsAnInvalidTag() {
    InvalidContentException e =
        assertThrows(InvalidContentException.class, () -> LayoutReference.parse("/data/layout:-v1"));
    assertTrue(e.getMessage().contains("\"-v1\" is not a valid tag"), e.getMessage());
    assertThrows(InvalidContentException.class, () -> LayoutReference.parse("/data/layout:"));
    assertThrows(InvalidContentException.class, () -> LayoutReference.parse("/data:x/layout"));
  }

  @Test
  void rejectsAnInvalidDigest() {
    InvalidContentException e =
        assertThrows(InvalidContentException.class, () -> LayoutReference.parse("layout@sha256:abc"));
    assertTrue(e.getMessage().startsWith("invalid OCI layout reference \"layout@sha256:abc\": invalid digest"),
        e.getMessage());
  }

  @Test
  void rejectsAnEmptyPathOrInput() {
    InvalidContentException e = assertThrows(InvalidContentException.class, () -> LayoutReference.parse(":v1"));
    assertTrue(e.getMessage().contains("the path is empty"), e.getMessage());
    assertThrows(InvalidContentException.class, () -> LayoutReference.parse("@" + DIGEST));
    assertThrows(InvalidContentException.class, () -> LayoutReference.parse(""));
  }

  @Test
  void aDashAloneMeansStandardInputWithADigestOrATag() throws Exception {
    LayoutReference byDigest = LayoutReference.parse("-@" + DIGEST);
    assertTrue(byDigest.isStandardInput());
    assertEquals(DIGEST, byDigest.reference());
    assertEquals("-@" + DIGEST, byDigest.toString());
    LayoutReference byTag = LayoutReference.parse("-:v1");
    assertTrue(byTag.isStandardInput());
    assertEquals("v1", byTag.reference());
    assertFalse(LayoutReference.parse("./-:v1").isStandardInput(), "./- is a file named -");
    assertFalse(LayoutReference.parse("--:v1").isStandardInput());
    assertFalse(LayoutReference.parse("/data/layout:v1").isStandardInput());
    InvalidContentException e = assertThrows(InvalidContentException.class, () -> LayoutReference.parse("-"));
    assertTrue(e.getMessage().contains("missing the tag or digest"), e.getMessage());
  }
}
