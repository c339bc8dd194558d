package org.linecommerce.gateway.line;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The dry-run outbox of one node: every call the gateway would have made to LINE, newest last,
 * bounded (the oldest entries leave first). Listed at {@code GET /dev/line/outbox}; a chat
 * simulator can follow it live with {@link #subscribe} (each entry once, in order).
 */
public final class LineOutbox {

  /**
   * One call that was not sent.
   *
   * @param seq increasing per node, starting at 1 (for {@code ?since=})
   * @param kind {@code reply}, {@code push} or {@code loading}
   * @param chatId the chat (for a reply: the chat the dispatcher answered, when it said)
   * @param messages the message objects as JSON (empty for loading)
   * @param replyToken the reply token of a reply, else null
   * @param retryKey the {@code X-Line-Retry-Key} of a push, else null
   */
  public record Entry(long seq, String kind, String chatId, List<String> messages, String replyToken,
      String retryKey, Instant at, String correlationId) {}

  private final int capacity;
  private final ArrayDeque<Entry> entries = new ArrayDeque<>();
  private final List<Consumer<Entry>> listeners = new CopyOnWriteArrayList<>();
  private long lastSeq;

  public LineOutbox(int capacity) {
    this.capacity = Math.max(1, capacity);
  }

  /** Records a call and tells the listeners; returns the entry. */
  public Entry record(String kind, String chatId, List<String> messages, String replyToken, String retryKey,
      String correlationId) {
    Entry entry;
    synchronized (this) {
      entry = new Entry(++lastSeq, kind, chatId, List.copyOf(messages), replyToken, retryKey, Instant.now(), correlationId);
      entries.addLast(entry);
      while (entries.size() > capacity) entries.removeFirst();
    }
    for (Consumer<Entry> l : listeners) l.accept(entry);
    return entry;
  }

  /** Entries with {@code seq > since}, oldest first, at most the newest {@code limit}. */
  public synchronized List<Entry> since(long since, int limit) {
    List<Entry> out = new ArrayList<>();
    for (Entry e : entries) if (e.seq() > since) out.add(e);
    return out.size() <= limit ? out : new ArrayList<>(out.subList(out.size() - limit, out.size()));
  }

  /** Every entry kept, oldest first. */
  public List<Entry> all() {
    return since(0, Integer.MAX_VALUE);
  }

  /**
   * Calls {@code listener} with every entry recorded from now on (on the recording thread: keep it
   * short, e.g. offer to a stream's queue). Close the returned handle to stop.
   */
  public AutoCloseable subscribe(Consumer<Entry> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** How many subscriptions are open (a stream that ended must have closed its own). */
  public int subscribers() {
    return listeners.size();
  }
}
