package dev.nota.core.timestamp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * Reads the timestamp token and the raw primitive signature out of a notation envelope file, independently of nota's
 * envelope package: JWS keeps the token std-base64 in the unprotected header, COSE as a bstr in the unprotected map.
 */
record EnvelopeTimestamps(byte[] token, byte[] signature) {
  static final String HEADER = "io.cncf.notary.timestampSignature";

  static EnvelopeTimestamps read(Path file) throws Exception {
    byte[] raw = Files.readAllBytes(file);
    if (raw[0] == '{') {
      JsonNode jws = new ObjectMapper().readTree(raw);
      return new EnvelopeTimestamps(Base64.getDecoder().decode(jws.get("header").get(HEADER).asText()),
          Base64.getUrlDecoder().decode(jws.get("signature").asText()));
    }
    JsonNode cose = new CBORMapper().readTree(raw); // COSE_Sign1: [protected, unprotected, payload, signature]
    return new EnvelopeTimestamps(cose.get(1).get(HEADER).binaryValue(), cose.get(3).binaryValue());
  }
}
