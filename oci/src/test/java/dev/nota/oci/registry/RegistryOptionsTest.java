package dev.nota.oci.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RegistryOptionsTest {

  @Test
  void plainHttpRegistriesAreNoneByDefaultAndSurviveEveryWither() {
    RegistryOptions defaults = RegistryOptions.defaults();
    assertEquals(Set.of(), defaults.plainHttpRegistries());
    assertFalse(defaults.isPlainHttp("registry.local:5000"));
    RegistryOptions plain = defaults.withPlainHttpRegistries(Set.of("registry.local:5000"));
    assertTrue(plain.isPlainHttp("registry.local:5000"));
    assertFalse(plain.isPlainHttp("registry.local"), "host and port are one name, as with insecure registries");
    RegistryOptions changed = plain.withInsecureRegistries(Set.of("other:80")).withCaFile(null)
        .withCredentials(CredentialStore.NONE).withUserAgent("ua").withTimeout(Duration.ofSeconds(5))
        .withMaxRetries(1).withForceReferrersTag(true).withDebugLog(line -> { });
    assertEquals(Set.of("registry.local:5000"), changed.plainHttpRegistries());
    assertEquals(Set.of("other:80"), changed.insecureRegistries());
  }

  @Test
  void theOlderConstructorsMeanNoPlainHttpRegistries() {
    RegistryOptions seven = new RegistryOptions(Set.of("a:1"), null, null, null, Duration.ofSeconds(1), 0, false);
    RegistryOptions eight = new RegistryOptions(Set.of("a:1"), null, null, null, Duration.ofSeconds(1), 0, false,
        null);
    assertEquals(Set.of(), seven.plainHttpRegistries());
    assertEquals(Set.of(), eight.plainHttpRegistries());
  }

  @Test
  void thePlainHttpSetIsCopiedAndNullMeansEmpty() {
    Set<String> mutable = new HashSet<>(Set.of("a:1"));
    RegistryOptions options = RegistryOptions.defaults().withPlainHttpRegistries(mutable);
    mutable.add("b:2");
    assertEquals(Set.of("a:1"), options.plainHttpRegistries());
    assertThrows(UnsupportedOperationException.class, () -> options.plainHttpRegistries().add("c:3"));
    assertEquals(Set.of(), RegistryOptions.defaults().withPlainHttpRegistries(null).plainHttpRegistries());
  }
}
