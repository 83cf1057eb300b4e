package dev.nota.policy;

/**
 * Root of the checked exceptions of the policy module. The message is for users: one line naming the policy
 * statement, field or trust store at fault, worded like notation's own message so that people who know notation
 * recognise it.
 */
public class PolicyException extends Exception {
  public PolicyException(String message) {
    super(message);
  }

  public PolicyException(String message, Throwable cause) {
    super(message, cause);
  }
}
