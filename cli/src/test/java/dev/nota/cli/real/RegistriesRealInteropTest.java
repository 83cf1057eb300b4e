package dev.nota.cli.real;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nota.cli.interop.CrossChecks;
import dev.nota.cli.interop.PeerRegistry;
import dev.nota.cli.interop.RegistryScenarios;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * nota and notation 1.3.2 against Debian's distribution 2.8 (the cross-checks {@code interop.RegistriesInteropTest}
 * runs on olareg and distribution v3), and two signers at once against real registries without the Referrers API:
 * 20 rounds of two {@code nota sign} JVMs on one artifact, on distribution 2.8 and v3, each round ending with both
 * signatures listed by nota and by notation. A {@link GatedRelay} holds both signers' first read of the referrers
 * tag index until the other's has arrived, so they really meet (started together they otherwise miss each other by
 * some 100 ms). What two concurrent {@code notation sign} do in the same setting is measured and recorded.
 */
@Tag("interop")
@Tag("real")
class RegistriesRealInteropTest {
  private static final int ROUNDS = 20;
  private static final int NOTATION_ROUNDS = 3;

  @TempDir static Path work;
  private static Distribution distribution;
  private static RegistryScenarios scenarios;

  @BeforeAll
  static void start() throws Exception {
    scenarios = new RegistryScenarios(work.resolve("home"));
    distribution = Distribution.start(Files.createDirectories(work.resolve("distribution-2.8")));
  }

  @AfterAll
  static void stop() throws Exception {
    if (scenarios != null) {
      scenarios.close();
    }
    if (distribution != null) {
      distribution.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"jws", "cose"})
  void onDistribution28EachToolVerifiesAndListsWhatTheOtherSigned(String format) throws Exception {
    CrossChecks.check("Registries: distribution 2.8", "nota signs, notation verifies and ls; notation signs, nota "
        + "verifies and ls (" + format.toUpperCase() + ", referrers tag schema)",
        () -> scenarios.signBothWays(distribution.host(), format));
  }

  @Test
  void twoConcurrentNotaSignersBothSurviveTwentyRoundsOnDistribution28() throws Exception {
    concurrentSigners("Registries: distribution 2.8", distribution.port(), distribution.host());
  }

  @Test
  void twoConcurrentNotaSignersBothSurviveTwentyRoundsOnDistributionV3() throws Exception {
    try (PeerRegistry v3 = PeerRegistry.distributionV3(work.resolve("distribution-v3"))) {
      concurrentSigners("Registries: distribution v3", v3.port(), v3.host());
    }
  }

  private static void concurrentSigners(String area, int port, String host) throws Exception {
    try (GatedRelay relay = new GatedRelay(port, "GET /v2/race/manifests/sha256-")) {
      RegistryScenarios.Gate gate = new RegistryScenarios.Gate() {
        @Override
        public void arm(int parties) {
          relay.arm(parties);
        }

        @Override
        public boolean tripped() {
          return relay.tripped();
        }
      };
      CrossChecks.check(area, "two nota sign processes at once on one artifact, " + ROUNDS + " rounds: both "
          + "signatures listed by nota ls and notation ls every round", () -> {
            RegistryScenarios.Rounds rounds = scenarios.concurrentNota(relay.host(), host, gate, ROUNDS);
            CrossChecks.record(area, "measured: two concurrent nota sign processes (met at a gate)",
                "nota " + rounds);
            assertEquals(ROUNDS, rounds.bothKept(), rounds::toString);
            assertEquals(ROUNDS, rounds.met(), rounds::toString);
          });
      RegistryScenarios.Rounds gated = scenarios.concurrentNotation(relay.host(), host, gate, NOTATION_ROUNDS);
      RegistryScenarios.Rounds free =
          scenarios.concurrentNotation(host, host, RegistryScenarios.Gate.NONE, NOTATION_ROUNDS);
      CrossChecks.record(area, "measured: two concurrent notation 1.3.2 sign processes",
          "met at a gate: " + gated + "; started together without a gate: " + free);
    }
  }
}
