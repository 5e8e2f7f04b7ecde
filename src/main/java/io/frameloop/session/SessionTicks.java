package io.frameloop.session;

import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One periodic timer per event loop for the sessions on it, instead of one per session. A timer
 * per session wakes its event loop once per session per interval: 10,000 idle sessions meant
 * 10,000 wake-ups a second and most of a core spent in {@code epoll_wait}. The ticker of an event
 * loop lives in its context's data; it is made by the first session and stopped with the last.
 * Every method runs on the sessions' context.
 */
final class SessionTicks {

  private static final String KEY_PREFIX = SessionTicks.class.getName() + ":";

  private final Context context;
  private final String key;
  private final Set<Runnable> sessions = new LinkedHashSet<>();
  private final long timer;

  private SessionTicks(Context context, String key, long intervalMs) {
    this.context = context;
    this.key = key;
    this.timer = context.owner().setPeriodic(intervalMs, id -> tick());
  }

  /**
   * Calls {@code tick} every {@code intervalMs} on {@code context}'s event loop, with the other
   * sessions of that loop, until the returned handle is run.
   */
  static Runnable every(Context context, long intervalMs, Runnable tick) {
    String key = KEY_PREFIX + intervalMs;
    SessionTicks ticks = context.get(key);
    if (ticks == null) {
      ticks = new SessionTicks(context, key, intervalMs);
      context.put(key, ticks);
    }
    SessionTicks owner = ticks;
    owner.sessions.add(tick);
    return () -> owner.remove(tick);
  }

  private void remove(Runnable tick) {
    if (sessions.remove(tick) && sessions.isEmpty()) {
      context.owner().cancelTimer(timer);
      context.remove(key);
    }
  }

  private void tick() {
    // A copy: a session's tick may close it, which removes it from the set.
    for (Runnable session : new ArrayList<>(sessions)) {
      if (sessions.contains(session)) {
        session.run();
      }
    }
  }
}
