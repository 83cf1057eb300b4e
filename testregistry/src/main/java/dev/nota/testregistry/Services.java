package dev.nota.testregistry;

/** The parts every handler shares, and the switches the builder set. */
record Services(
    BlobStore store,
    Repositories repos,
    Faults faults,
    Auth auth,
    boolean referrersApi,
    boolean deleteEnabled,
    java.time.Duration uploadExpiry) {}
