package dev.nota.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReferenceTest {
  private static final String D = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
  private static final String D512 = "sha512:" + "ab".repeat(64);

  /** input | registry | repository | tag | digest | toString. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      "alpine | docker.io | library/alpine | - | - | docker.io/library/alpine",
      "alpine:3.19 | docker.io | library/alpine | 3.19 | - | docker.io/library/alpine:3.19",
      "user/app:v1 | docker.io | user/app | v1 | - | docker.io/user/app:v1",
      "docker.io/alpine | docker.io | library/alpine | - | - | docker.io/library/alpine",
      "docker.io/library/alpine:edge | docker.io | library/alpine | edge | - | docker.io/library/alpine:edge",
      "index.docker.io/alpine | docker.io | library/alpine | - | - | docker.io/library/alpine",
      "index.docker.io/user/app | docker.io | user/app | - | - | docker.io/user/app",
      "localhost/app | localhost | app | - | - | localhost/app",
      "localhost:5000/app:v1 | localhost:5000 | app | v1 | - | localhost:5000/app:v1",
      "registry:5000/app | registry:5000 | app | - | - | registry:5000/app",
      "127.0.0.1:5000/a/b | 127.0.0.1:5000 | a/b | - | - | 127.0.0.1:5000/a/b",
      "Registry.Example.COM/team/app | Registry.Example.COM | team/app | - | - | Registry.Example.COM/team/app",
      "ghcr.io/a__b/c-d/e---f/g.h_i | ghcr.io | a__b/c-d/e---f/g.h_i | - | - | ghcr.io/a__b/c-d/e---f/g.h_i",
      "my-reg.example.com/app:_Tag.1-x | my-reg.example.com | app | _Tag.1-x | - | my-reg.example.com/app:_Tag.1-x",
      "[::1]:5000/repo:v1 | [::1]:5000 | repo | v1 | - | [::1]:5000/repo:v1",
      "[::1]/repo | [::1] | repo | - | - | [::1]/repo",
      "[2001:db8::1]:443/a/b | [2001:db8::1]:443 | a/b | - | - | [2001:db8::1]:443/a/b",
      // docker's own reading of a bare host:port: a Docker Hub name with a tag
      "localhost:5000 | docker.io | library/localhost | 5000 | - | docker.io/library/localhost:5000",
  })
  void parsesEveryFormOfTheGrammar(
      String input, String registry, String repository, String tag, String digest, String printed) throws Exception {
    Reference r = Reference.parse(input);
    assertEquals(registry, r.registry());
    assertEquals(repository, r.repository());
    assertEquals(tag, r.tag());
    assertEquals(digest, r.digest() == null ? null : r.digest().toString());
    assertEquals(printed, r.toString());
    assertEquals(r, Reference.parse(r.toString()), "the printed form parses back to the same reference");
  }

  @Test
  void parsesDigestsWithAndWithoutTag() throws Exception {
    Reference byDigest = Reference.parse("example.com:443/a@" + D);
    assertEquals("example.com:443", byDigest.registry());
    assertNull(byDigest.tag());
    assertEquals(Digest.parse(D), byDigest.digest());
    assertEquals(D, byDigest.reference());
    assertTrue(byDigest.hasDigest());

    Reference both = Reference.parse("localhost:5000/x/y:v2@" + D512);
    assertEquals("v2", both.tag());
    assertEquals(D512, both.reference(), "the digest wins over the tag");
    assertEquals("localhost:5000/x/y:v2@" + D512, both.toString());

    Reference hub = Reference.parse("alpine@" + D);
    assertEquals("docker.io/library/alpine@" + D, hub.toString());
  }

  @Test
  void acceptsTheLongestTagAndName() throws Exception {
    String tag = "t".repeat(128);
    assertEquals(tag, Reference.parse("a:" + tag).tag());
    String repo = "r".repeat(255 - "example.com/".length());
    assertEquals(repo, Reference.parse("example.com/" + repo).repository());
  }

  @Test
  void reportsReferenceTagAndNameParts() throws Exception {
    Reference r = Reference.parse("localhost:5000/app:v1");
    assertEquals("v1", r.reference());
    assertFalse(r.hasDigest());
    assertEquals("localhost:5000/app", r.name());
    assertNull(Reference.parse("localhost:5000/app").reference());
  }

  @Test
  void sendsDockerHubRequestsToItsApiHost() throws Exception {
    assertEquals("registry-1.docker.io", Reference.parse("alpine").apiHost());
    assertEquals("registry-1.docker.io", Reference.parse("index.docker.io/a/b").apiHost());
    assertEquals("ghcr.io", Reference.parse("ghcr.io/a/b").apiHost());
    assertEquals("[::1]:5000", Reference.parse("[::1]:5000/a").apiHost());
  }

  @ParameterizedTest
  @CsvSource({
      "localhost/a, true", "localhost:5000/a, true", "127.0.0.1:5000/a, true", "127.1.2.3/a, true",
      "[::1]:5000/a, true", "[::1]/a, true", "[0:0:0:0:0:0:0:1]:80/a, true",
      "128.0.0.1/a, false", "127.0.0.256/a, false", "example.com/a, false", "localhost.example.com/a, false",
      "[::2]:5000/a, false", "alpine, false", "127.example.com/a, false"})
  void recognisesLoopbackRegistriesFromTheTextAlone(String input, boolean loopback) throws Exception {
    assertEquals(loopback, Reference.parse(input).isLoopback());
  }

  @Test
  void buildsCopiesWithDigestAndTag() throws Exception {
    Reference r = Reference.parse("example.com/app:v1");
    Digest d = Digest.parse(D);
    Reference pinned = r.withDigest(d);
    assertEquals("example.com/app:v1@" + D, pinned.toString());
    assertEquals(D, pinned.reference());
    assertEquals("example.com/app:v2", r.withTag("v2").toString());
    assertEquals("example.com/app", r.withTag(null).toString());
    InvalidReferenceException e = assertThrows(InvalidReferenceException.class, () -> r.withTag("-no"));
    assertTrue(e.getMessage().contains("tag \"-no\" is invalid"), e.getMessage());
  }

  @Test
  void ofValidatesAndNormalisesParts() throws Exception {
    Digest d = Digest.parse(D);
    assertEquals(Reference.parse("alpine@" + D), Reference.of("docker.io", "alpine", null, d));
    assertEquals(Reference.parse("user/app:v1"), Reference.of("index.docker.io", "user/app", "v1", null));
    assertEquals("[::1]:5000/a/b:t", Reference.of("[::1]:5000", "a/b", "t", null).toString());
    assertMessage(() -> Reference.of("example.com", "App", null, null), "repository name must be lowercase");
    assertMessage(() -> Reference.of("exa mple.com", "app", null, null), "registry host");
    assertMessage(() -> Reference.of("", "app", null, null), "registry is empty");
    assertMessage(() -> Reference.of("example.com", "", null, null), "repository name is empty");
    assertMessage(() -> Reference.of("example.com", "app", "", null), "tag after ':' is empty");
  }

  /** input | the problem the message must name. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "''                                 | reference is empty",
      "Foo/bar                            | repository name must be lowercase",
      "docker.io/Library/alpine           | repository name must be lowercase",
      "alpine:                            | tag after ':' is empty",
      "alpine:-bad                        | tag \"-bad\" is invalid",
      "alpine:v1+2                        | tag \"v1+2\" is invalid",
      "alpine@sha256:abc                  | invalid digest \"sha256:abc\": expected 64 lower-case hex",
      "alpine@md5:abc                     | unsupported algorithm \"md5\"",
      "alpine@                            | digest after '@' is empty",
      "a//b                               | repository name has an empty path component",
      "example.com/                       | repository name after example.com/ is empty",
      "example.com/-app                   | repository path component \"-app\" is invalid",
      "example.com/app_                   | repository path component \"app_\" is invalid",
      "example.com/a..b                   | repository path component \"a..b\" is invalid",
      "example.com/a%b                    | repository path component \"a%b\" is invalid",
      "exa_mple.com/app                   | registry host \"exa_mple.com\" is invalid",
      "-example.com/app                   | registry host \"-example.com\" is invalid",
      "example..com/app                   | registry host \"example..com\" is invalid",
      "example.com:/app                   | registry port after ':' is empty",
      "example.com:abc/app                | registry port \"abc\" is not a number",
      "[::1/app                           | has an unclosed '['",
      "[zz::1]:5000/app                   | registry [zz::1] is not a valid IPv6 address",
      "[::1]x/app                         | has text after ']' that is not a port",
      "[::1]:5000                         | is not followed by a repository name",
      ":v1                                | repository name is empty",
      "alpine latest                      | contains whitespace or a control character at index 6",
  })
  void rejectsBadReferencesWithAClearMessage(String input, String problem) {
    InvalidReferenceException e = assertThrows(InvalidReferenceException.class, () -> Reference.parse(input));
    assertTrue(e.getMessage().startsWith("invalid reference \"" + input + "\": "), e.getMessage());
    assertTrue(e.getMessage().contains(problem), e.getMessage());
    assertEquals(input, e.input());
  }

  @Test
  void rejectsDigestOnlyMultipleAtSignsLongNamesAndImageIds() {
    assertMessage(() -> Reference.parse("@" + D), "repository name is empty");
    assertMessage(() -> Reference.parse("a@" + D + "@" + D), "more than one '@'");
    assertMessage(() -> Reference.parse("a:" + "t".repeat(129)), "tag is longer than 128 characters");
    assertMessage(() -> Reference.parse("example.com/" + "r".repeat(244)), "is longer than 255 characters");
    assertMessage(() -> Reference.parse("x/" + "r".repeat(250)), "is longer than 255 characters");
    assertMessage(() -> Reference.parse("ab".repeat(32)), "is an image ID, not a repository name");
    assertMessage(() -> Reference.parse(null), "reference is empty");
  }

  @Test
  void givesEveryKindOfProblemItsOwnMessage() {
    String[] inputs = {"Foo/bar", "a:", "a:-x", "a@", "a@sha256:1", "a//b", "e.com/-a", "e_x.com/a", "e.com:/a",
        "e.com:x/a", "[::1/a", "[zz]:1/a", "[::1]x/a", ":t"};
    Set<String> problems = new HashSet<>();
    for (String input : inputs) {
      InvalidReferenceException e = assertThrows(InvalidReferenceException.class, () -> Reference.parse(input));
      problems.add(e.getMessage().substring(e.getMessage().indexOf("\": ") + 3).replaceAll("\"[^\"]*\"", "X"));
    }
    assertEquals(inputs.length, problems.size(), problems.toString());
  }

  private static void assertMessage(org.junit.jupiter.api.function.Executable call, String problem) {
    InvalidReferenceException e = assertThrows(InvalidReferenceException.class, call);
    assertTrue(e.getMessage().contains(problem), e.getMessage());
  }
}
