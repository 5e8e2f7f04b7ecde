package io.frameloop.replay;

import java.util.HashSet;
import java.util.Set;

/**
 * The names a server chose (drop reasons, op names) that a run keeps apart: the first
 * {@code max} distinct ones, each cut to {@link SafeText#MAX_NAME_CHARS}; every later one is
 * counted under {@code other}, so a server inventing names cannot grow the run's memory. Shared by
 * the sessions of a run (several event loops), hence the locking; a name keeps its mapping for the run.
 */
final class CappedNames {

  /** Distinct drop reasons kept per run; the server itself has a handful. */
  static final int MAX_DROP_REASONS = 64;
  /** Distinct op names kept per run in the stage breakdown. */
  static final int MAX_OP_NAMES = 64;
  /** Where drop reasons past {@link #MAX_DROP_REASONS} are counted. */
  static final String OTHER = "other";

  private final int max;
  private final String other;
  private final Set<String> kept = new HashSet<>();

  CappedNames(int max, String other) {
    this.max = max;
    this.other = other;
  }

  /** The name {@code name} is counted under. */
  synchronized String of(String name) {
    String cut = SafeText.truncate(name, SafeText.MAX_NAME_CHARS);
    if (kept.contains(cut)) {
      return cut;
    }
    if (kept.size() < max && !cut.equals(other)) {
      kept.add(cut);
      return cut;
    }
    return other;
  }
}
