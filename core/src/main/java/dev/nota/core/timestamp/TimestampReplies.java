package dev.nota.core.timestamp;

import dev.nota.core.envelope.SignatureAlgorithm;
import dev.nota.core.timestamp.TimestampException.Reason;
import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.cmp.PKIFailureInfo;
import org.bouncycastle.asn1.cmp.PKIStatus;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampToken;
import org.bouncycastle.tsp.TimeStampTokenInfo;

/**
 * The RFC 3161 messages of one exchange, as the Notary Project sends them: a version-1 TimeStampReq whose message
 * imprint is the hash of the raw signature (hash OID with NULL parameters), a random nonce below 2^159,
 * {@code certReq} true and no policy; and the checks on the TimeStampResp that only the requester can make (status,
 * nonce echoed, imprint as asked). The token itself is then verified like any other timestamp.
 */
final class TimestampReplies {
  private TimestampReplies() {}

  /** What was asked: the DER request, and the values the answer must echo. */
  record Request(byte[] der, BigInteger nonce, ASN1ObjectIdentifier hashOid, byte[] imprint) {}

  static Request request(byte[] signature, SignatureAlgorithm algorithm, BigInteger nonce) {
    String hashName = algorithm.hashJcaName();
    ASN1ObjectIdentifier oid = switch (hashName) {
      case "SHA-256" -> NISTObjectIdentifiers.id_sha256;
      case "SHA-384" -> NISTObjectIdentifiers.id_sha384;
      case "SHA-512" -> NISTObjectIdentifiers.id_sha512;
      default -> throw new IllegalArgumentException("unsupported hash " + hashName);
    };
    byte[] imprint;
    try {
      imprint = MessageDigest.getInstance(hashName).digest(signature);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks " + hashName, e);
    }
    TimeStampRequestGenerator generator = new TimeStampRequestGenerator();
    generator.setCertReq(true);
    TimeStampRequest request = generator.generate(new AlgorithmIdentifier(oid, DERNull.INSTANCE), imprint, nonce);
    try {
      return new Request(request.getEncoded(), nonce, oid, imprint);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a timestamp request", e);
    }
  }

  /**
   * Returns the token of {@code body} after checking that the TSA granted the request and answered this very
   * request; {@code who} names the TSA in messages.
   */
  static byte[] token(byte[] body, Request request, String who) throws TimestampException {
    TimeStampResponse response;
    try {
      response = new TimeStampResponse(body);
    } catch (TSPException | IOException | RuntimeException e) {
      throw invalid(who + " answered with something that is not an RFC 3161 timestamp response ("
          + Rfc3161TimestampVerifier.reason(e) + ")", e);
    }
    int status = response.getStatus();
    if (status != PKIStatus.GRANTED && status != PKIStatus.GRANTED_WITH_MODS) {
      throw invalid(who + " refused to timestamp: status " + statusName(status) + failures(response.getFailInfo())
          + (response.getStatusString() == null ? "" : " (\"" + oneLine(response.getStatusString()) + "\")"), null);
    }
    TimeStampToken token = response.getTimeStampToken();
    if (token == null) {
      throw invalid(who + " granted the request but sent no timestamp token", null);
    }
    TimeStampTokenInfo info = token.getTimeStampInfo();
    if (info.getNonce() == null) {
      throw invalid(who + " answered without the nonce nota sent, so the answer may be a replay", null);
    }
    if (!info.getNonce().equals(request.nonce())) {
      throw invalid(who + " answered another request: the token's nonce differs from the one nota sent", null);
    }
    if (!request.hashOid().equals(info.getMessageImprintAlgOID())
        || !MessageDigest.isEqual(request.imprint(), info.getMessageImprintDigest())) {
      throw invalid(who + " answered another request: the token's message imprint is not the hash nota sent", null);
    }
    try {
      return token.getEncoded();
    } catch (IOException e) {
      throw invalid(who + " sent a timestamp token that cannot be encoded (" + Rfc3161TimestampVerifier.reason(e)
          + ")", e);
    }
  }

  private static String statusName(int status) {
    return switch (status) {
      case PKIStatus.REJECTION -> "rejection";
      case PKIStatus.WAITING -> "waiting";
      case PKIStatus.REVOCATION_WARNING -> "revocationWarning";
      case PKIStatus.REVOCATION_NOTIFICATION -> "revocationNotification";
      default -> String.valueOf(status);
    };
  }

  private static String failures(PKIFailureInfo info) {
    if (info == null) {
      return "";
    }
    List<String> names = new ArrayList<>();
    add(names, info, PKIFailureInfo.badAlg, "badAlg");
    add(names, info, PKIFailureInfo.badRequest, "badRequest");
    add(names, info, PKIFailureInfo.badDataFormat, "badDataFormat");
    add(names, info, PKIFailureInfo.timeNotAvailable, "timeNotAvailable");
    add(names, info, PKIFailureInfo.unacceptedPolicy, "unacceptedPolicy");
    add(names, info, PKIFailureInfo.unacceptedExtension, "unacceptedExtension");
    add(names, info, PKIFailureInfo.addInfoNotAvailable, "addInfoNotAvailable");
    add(names, info, PKIFailureInfo.systemFailure, "systemFailure");
    return names.isEmpty() ? "" : ", failure " + String.join(", ", names);
  }

  private static void add(List<String> names, PKIFailureInfo info, int bit, String name) {
    if ((info.intValue() & bit) != 0) {
      names.add(name);
    }
  }

  private static String oneLine(String s) {
    String line = s.replaceAll("\\s+", " ").strip();
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }

  private static TimestampException invalid(String message, Throwable cause) {
    return new TimestampException(Reason.INVALID_RESPONSE, message, cause);
  }
}
