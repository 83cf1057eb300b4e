package dev.nota.core.key;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The few raw PKCS#11 calls that the SunPKCS11 provider has no public API for: listing tokens by label (its
 * configuration only takes a slot number), logging in so that a wrong PIN is reported as such, finding a key by
 * label whether or not a certificate goes with it, and signing with such a certificate-less key. They go through
 * the JDK's own PKCS#11 wrapper (module {@code jdk.crypto.cryptoki}), which the JVM must export to nota with
 * {@value #ADD_EXPORTS} (bin/nota and the jar manifest do).
 */
final class Pkcs11Native {
  /** The JVM option that makes the JDK's PKCS#11 wrapper reachable. */
  static final String ADD_EXPORTS = "--add-exports jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED";
  private static final String PKG = "sun.security.pkcs11.wrapper.";
  static final long CKO_CERTIFICATE = 1;
  static final long CKO_PRIVATE_KEY = 3;
  static final long CKM_RSA_PKCS_PSS = 0x0D;
  static final long CKM_ECDSA = 0x1041;
  private static final long CKA_CLASS = 0;
  private static final long CKA_LABEL = 3;
  private static final long CKA_VALUE = 0x11;
  private static final long CKA_ID = 0x102;
  private static final long CKU_USER = 1;
  private static final long CKF_SERIAL_SESSION = 4;
  private static final long CKF_OS_LOCKING_OK = 2;
  private static final long CKR_USER_ALREADY_LOGGED_IN = 0x100;

  private final Object p11;
  private final Class<?> attributeClass;

  private Pkcs11Native(Object p11) throws ReflectiveOperationException {
    this.p11 = p11;
    this.attributeClass = Class.forName(PKG + "CK_ATTRIBUTE");
  }

  /** A PKCS#11 call that the token refused: the {@code CKR_} code and its name. */
  static final class Pkcs11Error extends Exception {
    private final long code;

    Pkcs11Error(long code, String name) {
      super(name);
      this.code = code;
    }

    long code() {
      return code;
    }
  }

  /**
   * Loads (once per JVM, as SunPKCS11 does) and initializes {@code module}.
   *
   * @throws KeyException if the wrapper is not exported to nota or the library cannot be loaded
   */
  static Pkcs11Native load(Path module) throws KeyException {
    Optional<Module> cryptoki = ModuleLayer.boot().findModule("jdk.crypto.cryptoki");
    if (cryptoki.isEmpty()) {
      throw new KeyException("this Java runtime has no PKCS#11 support (module jdk.crypto.cryptoki is missing)");
    }
    if (!cryptoki.get().isExported("sun.security.pkcs11.wrapper", Pkcs11Native.class.getModule())) {
      throw new KeyException("PKCS#11 keys need the JVM option " + ADD_EXPORTS + " (bin/nota sets it)");
    }
    try {
      Class<?> argsClass = Class.forName(PKG + "CK_C_INITIALIZE_ARGS");
      Object args = argsClass.getConstructor().newInstance();
      argsClass.getField("flags").setLong(args, CKF_OS_LOCKING_OK);
      Method getInstance = Class.forName(PKG + "PKCS11")
          .getMethod("getInstance", String.class, String.class, argsClass, boolean.class);
      return new Pkcs11Native(getInstance.invoke(null, module.toString(), "C_GetFunctionList", args, false));
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      throw new KeyException("cannot load PKCS#11 module " + module + ": " + oneLine(cause), cause);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new KeyException("cannot use the JDK's PKCS#11 support: " + oneLine(e), e);
    }
  }

  long[] slotsWithTokens() throws Pkcs11Error {
    return (long[]) call("C_GetSlotList", new Class<?>[] {boolean.class}, true);
  }

  String tokenLabel(long slot) throws Pkcs11Error {
    Object info = call("C_GetTokenInfo", new Class<?>[] {long.class}, slot);
    try {
      return new String((char[]) info.getClass().getField("label").get(info)).strip();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether the token in {@code slot} offers {@code mechanism}. */
  boolean hasMechanism(long slot, long mechanism) throws Pkcs11Error {
    for (long m : (long[]) call("C_GetMechanismList", new Class<?>[] {long.class}, slot)) {
      if (m == mechanism) {
        return true;
      }
    }
    return false;
  }

  long openSession(long slot) throws Pkcs11Error {
    Class<?> notify = classFor("CK_NOTIFY");
    return (Long) call("C_OpenSession", new Class<?>[] {long.class, long.class, Object.class, notify},
        slot, CKF_SERIAL_SESSION, null, null);
  }

  void closeSession(long session) {
    try {
      call("C_CloseSession", new Class<?>[] {long.class}, session);
    } catch (Pkcs11Error ignored) {
      // nothing to do about a session that will not close
    }
  }

  /** Logs the user in with {@code pin}, logging out first so that the PIN is checked even if a login is active. */
  void login(long session, char[] pin) throws Pkcs11Error {
    try {
      call("C_Logout", new Class<?>[] {long.class}, session);
    } catch (Pkcs11Error ignored) {
      // not logged in: fine
    }
    try {
      call("C_Login", new Class<?>[] {long.class, long.class, char[].class}, session, CKU_USER, pin);
    } catch (Pkcs11Error e) {
      if (e.code() != CKR_USER_ALREADY_LOGGED_IN) {
        throw e;
      }
    }
  }

  /** The objects of class {@code objectClass} whose CKA_LABEL is {@code label}. */
  long[] findByLabel(long session, long objectClass, String label) throws Pkcs11Error {
    return find(session, attribute(CKA_CLASS, objectClass),
        attribute(CKA_LABEL, label.getBytes(StandardCharsets.UTF_8)));
  }

  /** The objects of class {@code objectClass} whose CKA_ID is {@code id}. */
  long[] findById(long session, long objectClass, byte[] id) throws Pkcs11Error {
    return find(session, attribute(CKA_CLASS, objectClass), attribute(CKA_ID, id));
  }

  byte[] id(long session, long object) throws Pkcs11Error {
    return bytes(session, object, CKA_ID);
  }

  byte[] value(long session, long object) throws Pkcs11Error {
    return bytes(session, object, CKA_VALUE);
  }

  /**
   * Signs {@code data} on the token. For {@link #CKM_RSA_PKCS_PSS} {@code data} is the digest and
   * {@code pssHash} the JCA hash name (the MGF1 hash and salt length follow it); for {@link #CKM_ECDSA} it is the
   * digest and the token returns {@code R||S}.
   */
  byte[] sign(long session, long key, long mechanism, String pssHash, byte[] data, int saltLength)
      throws Pkcs11Error {
    Class<?> mechClass = classFor("CK_MECHANISM");
    Object mech;
    try {
      mech = mechClass.getConstructor(long.class).newInstance(mechanism);
      if (pssHash != null) {
        Class<?> pssClass = classFor("CK_RSA_PKCS_PSS_PARAMS");
        Object params = pssClass.getConstructor(String.class, String.class, String.class, int.class)
            .newInstance(pssHash, "MGF1", pssHash, saltLength);
        mechClass.getMethod("setParameter", pssClass).invoke(mech, params);
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the JDK's PKCS#11 wrapper changed: " + oneLine(e), e);
    }
    call("C_SignInit", new Class<?>[] {long.class, mechClass, long.class}, session, mech, key);
    return (byte[]) call("C_Sign", new Class<?>[] {long.class, byte[].class}, session, data);
  }

  private long[] find(long session, Object... template) throws Pkcs11Error {
    Object array = java.lang.reflect.Array.newInstance(attributeClass, template.length);
    for (int i = 0; i < template.length; i++) {
      java.lang.reflect.Array.set(array, i, template[i]);
    }
    call("C_FindObjectsInit", new Class<?>[] {long.class, array.getClass()}, session, array);
    try {
      return (long[]) call("C_FindObjects", new Class<?>[] {long.class, long.class}, session, 16L);
    } finally {
      call("C_FindObjectsFinal", new Class<?>[] {long.class}, session);
    }
  }

  private byte[] bytes(long session, long object, long type) throws Pkcs11Error {
    Object attr = attribute(type, null);
    Object array = java.lang.reflect.Array.newInstance(attributeClass, 1);
    java.lang.reflect.Array.set(array, 0, attr);
    call("C_GetAttributeValue", new Class<?>[] {long.class, long.class, array.getClass()}, session, object, array);
    try {
      // the wrapper puts new attribute objects into the array rather than filling in the ones given
      Object filled = java.lang.reflect.Array.get(array, 0);
      return (byte[]) attributeClass.getMethod("getByteArray").invoke(filled);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private Object attribute(long type, Object value) {
    try {
      if (value == null) {
        return attributeClass.getConstructor(long.class).newInstance(type);
      }
      if (value instanceof Long l) {
        return attributeClass.getConstructor(long.class, long.class).newInstance(type, l);
      }
      return attributeClass.getConstructor(long.class, Object.class).newInstance(type, value);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the JDK's PKCS#11 wrapper changed: " + oneLine(e), e);
    }
  }

  private Object call(String name, Class<?>[] types, Object... args) throws Pkcs11Error {
    try {
      // the base class: a module may get the package-private synchronized subclass, whose methods are not public
      return classFor("PKCS11").getMethod(name, types).invoke(p11, args);
    } catch (InvocationTargetException e) {
      throw error(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the JDK's PKCS#11 wrapper changed: " + oneLine(e), e);
    }
  }

  /** The PKCS#11 error in {@code t} (a {@code PKCS11Exception}), or an unchecked wrapper for anything else. */
  static Pkcs11Error error(Throwable t) {
    if (t != null && t.getClass().getName().equals(PKG + "PKCS11Exception")) {
      try {
        long code = (Long) t.getClass().getMethod("getErrorCode").invoke(t);
        return new Pkcs11Error(code, String.valueOf(t.getMessage()));
      } catch (ReflectiveOperationException e) {
        return new Pkcs11Error(-1, String.valueOf(t.getMessage()));
      }
    }
    if (t instanceof RuntimeException r) {
      throw r;
    }
    throw new IllegalStateException(t);
  }

  private static Class<?> classFor(String simpleName) {
    try {
      return Class.forName(PKG + simpleName);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("the JDK's PKCS#11 wrapper changed: " + e.getMessage(), e);
    }
  }

  static String oneLine(Throwable e) {
    String m = e == null || e.getMessage() == null ? String.valueOf(e) : e.getMessage();
    return m.replace('\n', ' ');
  }
}
