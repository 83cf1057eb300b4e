package dev.nota.oci;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every way a manifest, index or descriptor can be rejected, each with its own message. */
class OciJsonRejectionTest {
  private static final String D = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
  private static final String DESC = "{'mediaType':'a/b','digest':'" + D + "','size':2}";
  private static final String MANIFEST =
      "{'schemaVersion':2,'mediaType':'application/vnd.oci.image.manifest.v1+json','config':" + DESC
          + ",'layers':[" + DESC + "]}";
  private static final String INDEX =
      "{'schemaVersion':2,'mediaType':'application/vnd.oci.image.index.v1+json','manifests':[" + DESC + "]}";

  private static String json(String singleQuoted) {
    return singleQuoted.replace('\'', '"');
  }

  private static String manifestWith(String from, String to) {
    String s = MANIFEST.replace(from, to);
    if (s.equals(MANIFEST)) {
      throw new IllegalArgumentException("no change: " + from);
    }
    return s;
  }

  static Stream<Arguments> badManifests() {
    return Stream.of(
        Arguments.of("", "invalid manifest: empty content"),
        Arguments.of("awesome notation", "invalid manifest: not valid JSON: "),
        Arguments.of("{'schemaVersion':2,'config':{'mediaType'", "invalid manifest: truncated JSON"),
        Arguments.of(MANIFEST + " {}", "invalid manifest: not valid JSON: Trailing token"),
        Arguments.of("[" + MANIFEST + "]", "invalid manifest: expected a JSON object, found array"),
        Arguments.of(manifestWith("'schemaVersion':2,", ""), "invalid manifest: schemaVersion is missing (expected 2)"),
        Arguments.of(manifestWith("'schemaVersion':2", "'schemaVersion':1"),
            "invalid manifest: schemaVersion is 1, expected 2"),
        Arguments.of(manifestWith("'schemaVersion':2", "'schemaVersion':'2'"),
            "invalid manifest: schemaVersion must be the number 2, found '2'"),
        Arguments.of(INDEX,
            "invalid manifest: mediaType 'application/vnd.oci.image.index.v1+json' is an index, not an image manifest"),
        Arguments.of("{'schemaVersion':2,'manifests':[]}",
            "invalid manifest: it has 'manifests' and no 'config': it is an index, not an image manifest"),
        Arguments.of(manifestWith("image.manifest.v1", "artifact.manifest.v1"),
            "invalid manifest: mediaType 'application/vnd.oci.artifact.manifest.v1+json' (the withdrawn OCI artifact"),
        Arguments.of(manifestWith("image.manifest.v1+json", "image.config.v1+json"),
            "invalid manifest: unknown mediaType 'application/vnd.oci.image.config.v1+json'"),
        Arguments.of(manifestWith("'mediaType':'application/vnd.oci.image.manifest.v1+json'", "'mediaType':5"),
            "invalid manifest: mediaType must be a string, found number"),
        Arguments.of(manifestWith("'config':" + DESC + ",", ""), "invalid manifest: config is missing"),
        Arguments.of(manifestWith("'config':" + DESC, "'config':[]"), "invalid manifest: config must be an object"),
        Arguments.of(manifestWith("'config':{'mediaType':'a/b',", "'config':{"),
            "invalid manifest: config.mediaType is missing"),
        Arguments.of(manifestWith("'config':{'mediaType':'a/b',", "'config':{'mediaType':'',"),
            "invalid manifest: config.mediaType is missing"),
        Arguments.of(manifestWith("'config':{'mediaType':'a/b','digest':'" + D + "',", "'config':{'mediaType':'a/b',"),
            "invalid manifest: config.digest is missing"),
        Arguments.of(manifestWith("'" + D + "','size':2}]", "'" + D + "'}]"),
            "invalid manifest: layers[0].size is missing"),
        Arguments.of(manifestWith("'" + D + "','size':2}]", "'" + D + "','size':-1}]"),
            "invalid manifest: layers[0].size must not be negative, found -1"),
        Arguments.of(manifestWith("'" + D + "','size':2}]", "'" + D + "','size':1.5}]"),
            "invalid manifest: layers[0].size must be an integer that fits in 64 bits, found 1.5"),
        Arguments.of(manifestWith("'" + D + "','size':2}]", "'" + D + "','size':99999999999999999999}]"),
            "invalid manifest: layers[0].size must be an integer that fits in 64 bits, found 99999999999999999999"),
        Arguments.of(manifestWith("'" + D + "','size':2}]", "'sha256:ABC','size':2}]"),
            "invalid manifest: layers[0].digest: invalid digest 'sha256:ABC': expected 64 lower-case hex"),
        Arguments.of(manifestWith("'" + D + "','size':2}]", "'md5:abc','size':2}]"),
            "invalid manifest: layers[0].digest: invalid digest 'md5:abc': unsupported algorithm"),
        Arguments.of(manifestWith("'layers':[" + DESC + "]", "'layers':" + DESC),
            "invalid manifest: layers must be an array, found object"),
        Arguments.of(manifestWith("'layers':[" + DESC + "]", "'layers':['x']"),
            "invalid manifest: layers[0] must be an object"),
        Arguments.of(manifestWith("'size':2}]", "'size':2,'annotations':{'k':1}}]"),
            "invalid manifest: layers[0].annotations['k'] must be a string, found number"),
        Arguments.of(manifestWith("'size':2}]", "'size':2,'urls':'x'}]"),
            "invalid manifest: layers[0].urls must be an array of strings, found string"),
        Arguments.of(manifestWith("'size':2},", "'size':2,'data':'e30'},"),
            "invalid manifest: config.data is not padded standard base64: length 3"),
        Arguments.of(manifestWith("'size':2},", "'size':2,'data':'e3x9'},"),
            "invalid manifest: config.data does not match config.digest and config.size"),
        Arguments.of(manifestWith("'size':2},", "'size':2,'data':'e3@9'},"),
            "invalid manifest: config.data is not padded standard base64: Illegal base64 character"),
        Arguments.of(manifestWith("'size':2}]}", "'size':2}],'subject':'x'}"),
            "invalid manifest: subject must be an object"),
        Arguments.of(manifestWith("'size':2}]}", "'size':2}],'annotations':[]}"),
            "invalid manifest: annotations must be an object of strings, found array"),
        Arguments.of(manifestWith("'size':2}]}", "'size':2}],'artifactType':true}"),
            "invalid manifest: artifactType must be a string, found boolean"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badManifests")
  void rejectsBadManifestsSayingWhatIsWrong(String input, String message) {
    InvalidContentException e = assertThrows(InvalidContentException.class,
        () -> OciJson.parseManifest(json(input).getBytes(UTF_8)));
    assertTrue(e.getMessage().startsWith(json(message)), e.getMessage());
  }

  static Stream<Arguments> badIndexes() {
    return Stream.of(
        Arguments.of("{'schemaVersion':2,'manifests':[", "invalid index: truncated JSON"),
        Arguments.of("{'schemaVersion':3,'manifests':[]}", "invalid index: schemaVersion is 3, expected 2"),
        Arguments.of(MANIFEST,
            "invalid index: mediaType 'application/vnd.oci.image.manifest.v1+json' is an image manifest, not an index"),
        Arguments.of("{'schemaVersion':2,'config':" + DESC + "}",
            "invalid index: it has 'config' and no 'manifests': it is an image manifest, not an index"),
        Arguments.of("{'schemaVersion':2,'mediaType':'text/plain','manifests':[]}",
            "invalid index: unknown mediaType 'text/plain'"),
        Arguments.of("{'schemaVersion':2,'manifests':{}}", "invalid index: manifests must be an array, found object"),
        Arguments.of(INDEX.replace("'size':2}", "'size':-5}"),
            "invalid index: manifests[0].size must not be negative, found -5"),
        Arguments.of(INDEX.replace("'size':2}", "'size':2,'platform':{'architecture':'amd64'}}"),
            "invalid index: manifests[0].platform.os is missing"),
        Arguments.of(INDEX.replace("'size':2}", "'size':2,'platform':{'os':'linux'}}"),
            "invalid index: manifests[0].platform.architecture is missing"),
        Arguments.of(INDEX.replace("'size':2}", "'size':2,'platform':'linux/amd64'}"),
            "invalid index: manifests[0].platform must be an object"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badIndexes")
  void rejectsBadIndexesSayingWhatIsWrong(String input, String message) {
    InvalidContentException e = assertThrows(InvalidContentException.class,
        () -> OciJson.parseIndex(json(input).getBytes(UTF_8)));
    assertTrue(e.getMessage().startsWith(json(message)), e.getMessage());
  }

  @Test
  void rejectsBadDescriptors() {
    assertEquals("invalid descriptor: size is missing", assertThrows(InvalidContentException.class,
        () -> OciJson.parseDescriptor(json("{'mediaType':'a/b','digest':'" + D + "'}").getBytes(UTF_8)))
        .getMessage());
    assertEquals("invalid descriptor: expected a JSON object, found string", assertThrows(
        InvalidContentException.class, () -> OciJson.parseDescriptor("\"x\"".getBytes(UTF_8))).getMessage());
  }

  @Test
  void givesEveryManifestProblemItsOwnMessage() {
    Set<String> seen = new HashSet<>();
    List<String> duplicates = new ArrayList<>();
    badManifests().forEach(a -> {
      String message = assertThrows(InvalidContentException.class,
          () -> OciJson.parseManifest(json((String) a.get()[0]).getBytes(UTF_8))).getMessage();
      if (!seen.add(message)) {
        duplicates.add(message);
      }
    });
    // the empty mediaType and the missing one share a message on purpose
    assertEquals(List.of("invalid manifest: config.mediaType is missing"), duplicates);
  }
}
