package dev.nota.policy;

import static dev.nota.policy.NotaTrustPolicyDocumentTest.fails;
import static dev.nota.policy.NotaTrustPolicyDocumentTest.parse;
import static dev.nota.policy.NotaTrustPolicyDocumentTest.statement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code notaryV1} trust sources of {@code trustpolicy.nota.json}: parsed strictly, named like statements. */
class NotaryV1SourceTest {
  static String doc(String sources, String requirement) {
    return "{\"version\":\"1.0\",\"trustPolicies\":[" + statement("vendor", "ca:vendor") + "],\"notaryV1\":"
        + sources + ",\"requirements\":[{\"registryScopes\":[\"*\"]," + requirement + "}]}";
  }

  static String anyOf(String source) {
    return doc("[" + source + "]", "\"atLeast\":1,\"of\":[\"vendor\",\"legacy\"]");
  }

  @Test
  void aSourceIsNamedByRequirementsLikeAStatement() throws Exception {
    NotaTrustPolicyDocument d = parse(doc("[{\"name\":\"legacy\",\"server\":\"https://notary.example:4443\","
        + "\"gun\":\"docker.io/library/app\",\"rootCert\":\"/etc/nota/root.pem\",\"roles\":[\"targets\"]},"
        + "{\"name\":\"offline\",\"trustDir\":\"/srv/trust\"}]",
        "\"allOf\":[\"offline\"],\"atLeast\":1,\"of\":[\"vendor\",\"legacy\"]"));
    NotaryV1Source legacy = d.notaryV1("legacy").orElseThrow();
    assertEquals(URI.create("https://notary.example:4443"), legacy.server());
    assertNull(legacy.trustDir());
    assertEquals("docker.io/library/app", legacy.gun());
    assertEquals(Path.of("/etc/nota/root.pem"), legacy.rootCert());
    assertEquals(List.of("targets"), legacy.roles());
    NotaryV1Source offline = d.notaryV1("offline").orElseThrow();
    assertEquals(Path.of("/srv/trust"), offline.trustDir());
    assertNull(offline.gun());
    assertEquals(List.of("targets/releases", "targets"), offline.roles());
    assertEquals(List.of("offline", "vendor", "legacy"), d.requirements().get(0).rule().statements());
    assertTrue(d.notaryV1("vendor").isEmpty());
  }

  @Test
  void aDocumentWithoutSourcesHasNone() throws Exception {
    assertEquals(List.of(), parse(NotaTrustPolicyDocumentTest.doc("[{\"registryScopes\":[\"*\"],"
        + "\"allOf\":[\"vendor\"]}]")).notaryV1());
  }

  @Test
  void badSourcesAreOneLineNamingTheField() {
    fails(anyOf("{\"name\":\"legacy\"}"), "notaryV1[0]: give server (a notary server URL) or trustDir");
    fails(anyOf("{\"name\":\"legacy\",\"server\":\"https://n.example\",\"trustDir\":\"/t\"}"),
        "notaryV1[0]: give server or trustDir, not both");
    fails(anyOf("{\"name\":\"legacy\",\"server\":\"notary.example\"}"),
        "notaryV1[0].server: \"notary.example\" is not a notary server URL");
    fails(anyOf("{\"name\":\"legacy\",\"server\":\"ftp://notary.example\"}"), "notaryV1[0].server:");
    fails(anyOf("{\"name\":\"legacy\",\"server\":\"https://n.example/ x\"}"),
        "notaryV1[0].server: \"https://n.example/ x\" is not a URL");
    fails(anyOf("{\"name\":\"legacy\",\"trustDir\":\"trust\"}"),
        "notaryV1[0].trustDir: \"trust\" must be an absolute path");
    fails(anyOf("{\"name\":\"legacy\",\"trustDir\":\"/t\",\"rootcert\":\"/r.pem\"}"),
        "notaryV1[0].rootcert: unknown field, expected one of [\"gun\" \"name\"");
    fails(anyOf("{\"trustDir\":\"/t\"}"), "notaryV1[0].name: missing");
    fails(anyOf("{\"name\":\"legacy\",\"trustDir\":\"/t\",\"gun\":\"Not A Gun\"}"), "notaryV1[0].gun: ");
    fails(anyOf("{\"name\":\"legacy\",\"trustDir\":\"/t\",\"roles\":[\"releases\"]}"),
        "notaryV1[0].roles: \"releases\" is not a targets role");
    fails(anyOf("{\"name\":\"legacy\",\"trustDir\":\"/t\",\"roles\":[]}"), "notaryV1[0].roles: must be a");
    fails(anyOf("{\"name\":\"legacy\",\"trustDir\":7}"), "notaryV1[0].trustDir: must be a string");
    fails(doc("{}", "\"allOf\":[\"vendor\"]"), "notaryV1: must be an array");
    fails(anyOf("{\"name\":\"vendor\",\"trustDir\":\"/t\"}"),
        "notaryV1[0].name: \"vendor\" is also a trust policy statement name");
    fails(doc("[{\"name\":\"legacy\",\"trustDir\":\"/t\"},{\"name\":\"legacy\",\"trustDir\":\"/u\"}]",
        "\"allOf\":[\"legacy\"]"), "notaryV1[1].name: Notary v1 source name \"legacy\" is used twice");
    fails(doc("[{\"name\":\"legacy\",\"trustDir\":\"/t\"}]", "\"allOf\":[\"old\"]"),
        "requirements[0].allOf: unknown trust policy statement \"old\", trustPolicies has [\"vendor\"] and"
            + " notaryV1 has [\"legacy\"]");
    fails(doc("[{\"name\":\"legacy\",\"trustDir\":\"/t\"}]", "\"allOf\":[\"legacy\"]").replace("notaryV1",
        "notaryv1"), "notaryv1: unknown field, did you mean \"notaryV1\"?");
  }
}
