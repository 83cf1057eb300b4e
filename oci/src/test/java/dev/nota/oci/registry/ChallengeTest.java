package dev.nota.oci.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChallengeTest {
  @Test
  void parsesBearerWithQuotedScopeContainingCommas() {
    List<Challenge> cs = Challenge.parse("Bearer realm=\"https://auth.example.com/token\",service=\"registry.example.com\","
        + "scope=\"repository:a/b:pull,push\"");
    assertEquals(1, cs.size());
    Challenge c = cs.get(0);
    assertEquals("bearer", c.scheme());
    assertEquals("https://auth.example.com/token", c.param("realm"));
    assertEquals("registry.example.com", c.param("service"));
    assertEquals("repository:a/b:pull,push", c.param("scope"));
  }

  @Test
  void parsesBasicRealmAndCaseInsensitiveNames() {
    Challenge c = Challenge.parse("BASIC Realm=\"test-realm\"").get(0);
    assertEquals("basic", c.scheme());
    assertEquals("test-realm", c.param("realm"));
  }

  @Test
  void splitsSeveralChallengesInOneHeader() {
    List<Challenge> cs = Challenge.parse(
        "Basic realm=\"r1\", Bearer realm=\"https://t/x\", service=svc, error=\"insufficient_scope\"");
    assertEquals(2, cs.size());
    assertEquals("r1", cs.get(0).param("realm"));
    assertEquals("bearer", cs.get(1).scheme());
    assertEquals("svc", cs.get(1).param("service"));
    assertEquals("insufficient_scope", cs.get(1).param("error"));
  }

  @Test
  void unescapesQuotedPairs() {
    Challenge c = Challenge.parse("Bearer realm=\"a\\\"b\", scope=\"x y\"").get(0);
    assertEquals("a\"b", c.param("realm"));
    assertEquals("x y", c.param("scope"));
  }

  @Test
  void readsChallengesAcrossHeaderValuesAndSkipsGarbage() {
    List<Challenge> cs = Challenge.parseAll(List.of("Basic realm=x", "", ",,, Bearer realm=\"y\""));
    assertEquals(2, cs.size());
    assertTrue(Challenge.parse(null).isEmpty());
  }
}
