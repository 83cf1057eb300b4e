package dev.nota.cli;

import dev.nota.core.NotaException;
import dev.nota.core.envelope.EnvelopeContent;
import dev.nota.core.envelope.Envelopes;
import dev.nota.oci.Descriptor;
import dev.nota.oci.Manifest;
import dev.nota.oci.MediaTypes;
import dev.nota.oci.OciJson;
import dev.nota.oci.Target;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code nota inspect}: what each signature of an artifact says, without judging it. */
@Command(name = "inspect", description = "Show the signatures of an artifact: signer, times, format, digests.")
final class InspectCommand extends ArtifactCommand {
  @Mixin MaxSignatures maxSignatures;

  @Option(names = {"-o", "--output"}, defaultValue = "tree", description = "tree (or text) or json.")
  OutputFormat output;

  InspectCommand(Context context) {
    super(context);
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (Targets targets = new Targets(context, target)) {
      Targets.Opened opened = targets.open(reference, null, spec.commandLine().getErr());
      List<Descriptor> signatures = signatures(opened, maxSignatures.get());
      List<Map<String, Object>> entries = new ArrayList<>();
      for (Descriptor d : signatures) {
        entries.add(describe(opened.target(), d));
      }
      if (output == OutputFormat.json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("reference", opened.display());
        doc.put("mediaType", opened.artifact().mediaType());
        doc.put("signatures", entries);
        Json.print(out, doc);
        return ExitCode.OK;
      }
      if (entries.isEmpty()) {
        out.println(opened.display() + " has no associated signature");
        return ExitCode.OK;
      }
      out.println(opened.display());
      out.println("└── " + MediaTypes.NOTARY_SIGNATURE);
      for (int i = 0; i < entries.size(); i++) {
        boolean last = i == entries.size() - 1;
        Tree.print(out, entries.get(i), "    ", last);
      }
      return ExitCode.OK;
    }
  }

  private static Map<String, Object> describe(Target target, Descriptor signature) throws Exception {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("digest", signature.digest().toString());
    try {
      Manifest manifest = OciJson.parseManifest(target.fetchManifest(signature.digest().toString()).bytes());
      if (manifest.layers().size() != 1) {
        m.put("error", "signature manifest has " + manifest.layers().size() + " layers, expected 1");
        return m;
      }
      Descriptor layer = manifest.layers().get(0);
      m.put("signatureEnvelopeType", layer.mediaType());
      if (layer.size() > Envelopes.MAX_ENVELOPE_SIZE) {
        m.put("error", "envelope is over " + Envelopes.MAX_ENVELOPE_SIZE + " bytes");
        return m;
      }
      byte[] bytes;
      try (InputStream in = target.fetchBlob(layer)) {
        bytes = in.readAllBytes();
      }
      EnvelopeContent content = Envelopes.parse(layer.mediaType(), bytes).content();
      m.putAll(Reports.envelopeSummary(content));
      Descriptor signed = dev.nota.core.envelope.Payload.parse(content.payload()).targetArtifact();
      if (!signed.annotations().isEmpty()) {
        m.put("userDefinedAttributes", signed.annotations());
      }
      byte[] token = content.unsignedAttributes().timestampSignature();
      if (token != null) {
        m.put("timestampSignature", timestamp(token));
      }
      m.put("signedArtifact", signed.toString());
    } catch (NotaException | dev.nota.oci.InvalidContentException | dev.nota.oci.NotFoundException e) {
      m.put("error", e.getMessage());
    }
    return m;
  }

  /** What the signature's timestamp token claims (checked by verify, not here), as notation's inspect shows it. */
  private static Map<String, Object> timestamp(byte[] token) {
    Map<String, Object> m = new LinkedHashMap<>();
    try {
      dev.nota.core.timestamp.TimestampTokens.Claimed claimed = dev.nota.core.timestamp.TimestampTokens.read(token);
      m.put("timestamp", "[" + claimed.earliest() + ", " + claimed.latest() + "]");
      List<Object> certs = new ArrayList<>();
      for (java.security.cert.X509Certificate c : claimed.certificates()) {
        certs.add(Reports.certificate(c));
      }
      m.put("certificates", certs);
    } catch (NotaException e) {
      m.put("error", e.getMessage());
    }
    return m;
  }
}
