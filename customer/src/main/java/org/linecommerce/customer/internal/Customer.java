package org.linecommerce.customer.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.linecommerce.customer.api.Activity;
import org.linecommerce.customer.api.CustomerCommand;
import org.linecommerce.customer.api.CustomerCommand.Block;
import org.linecommerce.customer.api.CustomerCommand.Erase;
import org.linecommerce.customer.api.CustomerCommand.Get;
import org.linecommerce.customer.api.CustomerCommand.GetSignals;
import org.linecommerce.customer.api.CustomerCommand.RecordActivity;
import org.linecommerce.customer.api.CustomerCommand.Register;
import org.linecommerce.customer.api.CustomerCommand.Unblock;
import org.linecommerce.customer.api.CustomerCommand.UpdateProfile;
import org.linecommerce.customer.api.CustomerEvent;
import org.linecommerce.customer.api.CustomerEvent.ActivityRecorded;
import org.linecommerce.customer.api.CustomerEvent.CustomerBlocked;
import org.linecommerce.customer.api.CustomerEvent.CustomerErased;
import org.linecommerce.customer.api.CustomerEvent.CustomerRegistered;
import org.linecommerce.customer.api.CustomerEvent.CustomerUnblocked;
import org.linecommerce.customer.api.CustomerEvent.ProfileUpdated;
import org.linecommerce.customer.api.CustomerProfile;
import org.linecommerce.customer.api.CustomerSignals;
import org.linecommerce.customer.api.CustomerView;
import org.linecommerce.customer.api.CustomerView.Status;
import org.linecommerce.customer.api.UpdateResult;
import org.linecommerce.customer.api.UpdateResult.Outcome;
import org.linecommerce.runtime.CborSerializable;
import org.linecommerce.runtime.MessageMeta;
import org.linecommerce.runtime.subscription.EventTags;

/**
 * One customer, per LINE user id: their profile (from LINE at follow time, then updated by the
 * customer or the bot), whether they blocked the account, their recent activity and what it says
 * about their taste (recent product views, searches and ordered products, for recommendations). A
 * sharded event-sourced entity (type {@code Customer}, role {@value #ROLE}, entity id = user id)
 * speaking {@link CustomerCommand} and persisting {@link CustomerEvent}s, tagged
 * {@code customer-0..N-1} for subscribers.
 *
 * <p><b>Bounded state.</b> The state keeps the last {@value #RECENT_ACTIVITY} activities, the last
 * {@value #RECENT_SIGNALS} distinct viewed products and search terms and the last
 * {@value #RECENT_ORDERED} distinct ordered products; the journal keeps every activity.
 *
 * <p><b>Erasure.</b> {@code customer.erased} turns the state into a tombstone (status erased, no
 * profile, no activity, no signals) and a snapshot of the tombstone is saved at once, so recovery
 * starts from a snapshot without personal data. Reads then answer "erased"; activity is refused;
 * a later profile update or registration starts a fresh profile. Older events stay in the journal
 * (pekko-persistence-jdbc 1.1.x cannot safely delete events, #516; see README).
 */
public final class Customer
    extends EventSourcedBehaviorWithEnforcedReplies<CustomerCommand, CustomerEvent, Customer.State> {

  public static final String ROLE = "customer";
  static final String SOURCE = "customer";
  static final int RECENT_ACTIVITY = 50;
  static final int RECENT_SIGNALS = 20;
  static final int RECENT_ORDERED = 50;
  /** How many activity ids (deduplication of RecordActivity with an id) the state remembers. */
  static final int RECENT_ACTIVITY_IDS = 200;
  private static final int SNAPSHOT_EVERY = 100;

  // ---------------------------------------------------------------- state

  /**
   * @param profile null unless {@code status} is ACTIVE
   * @param activities the latest activities, oldest first
   * @param recentProductViews newest first, distinct
   * @param recentSearches newest first, distinct
   * @param orderedProductIds newest first, distinct
   * @param recentActivityIds ids of the latest activities recorded with one, oldest first (bounded by
   *     {@value #RECENT_ACTIVITY_IDS}; empty in snapshots stored before it existed)
   */
  public record State(
      Status status,
      CustomerProfile profile,
      boolean blocked,
      List<Activity> activities,
      List<String> recentProductViews,
      List<String> recentSearches,
      List<String> orderedProductIds,
      Instant createdAt,
      Instant updatedAt,
      List<String> recentActivityIds)
      implements CborSerializable {

    /** Null-safe for fields added later: a snapshot stored before a field existed reads it as empty. */
    public State {
      status = status == null ? Status.UNKNOWN : status;
      recentActivityIds = recentActivityIds == null ? List.of() : List.copyOf(recentActivityIds);
      activities = activities == null ? List.of() : List.copyOf(activities);
      recentProductViews = recentProductViews == null ? List.of() : List.copyOf(recentProductViews);
      recentSearches = recentSearches == null ? List.of() : List.copyOf(recentSearches);
      orderedProductIds = orderedProductIds == null ? List.of() : List.copyOf(orderedProductIds);
    }

    static State unknown() {
      return new State(Status.UNKNOWN, null, false, List.of(), List.of(), List.of(), List.of(), null, null, List.of());
    }

    /** Nothing personal: no profile, no activity, no signals, no dates but the erasure's. */
    static State erased(Instant at) {
      return new State(Status.ERASED, null, false, List.of(), List.of(), List.of(), List.of(), null, at, List.of());
    }

    static State registered(CustomerProfile profile, Instant at) {
      return new State(Status.ACTIVE, profile, false, List.of(), List.of(), List.of(), List.of(), at, at, List.of());
    }

    public boolean active() {
      return status == Status.ACTIVE;
    }

    State withProfile(CustomerProfile p, Instant at) {
      return new State(status, p, blocked, activities, recentProductViews, recentSearches, orderedProductIds, createdAt, at,
          recentActivityIds);
    }

    State withBlocked(boolean b, Instant at) {
      return new State(status, profile, b, activities, recentProductViews, recentSearches, orderedProductIds, createdAt, at,
          recentActivityIds);
    }

    boolean recorded(String activityId) {
      return activityId != null && recentActivityIds.contains(activityId);
    }

    State record(Activity a, String activityId, Instant at) {
      List<Activity> nextActivities = bounded(activities, a, RECENT_ACTIVITY);
      List<String> views = recentProductViews;
      List<String> searches = recentSearches;
      List<String> ordered = orderedProductIds;
      switch (a.type()) {
        case Activity.PRODUCT_VIEWED -> views = newestFirst(views, CustomerRules.productIds(a.data()), RECENT_SIGNALS);
        case Activity.SEARCHED -> searches = newestFirst(searches,
            CustomerRules.searchTerm(a.data()).map(List::of).orElse(List.of()), RECENT_SIGNALS);
        case Activity.ORDER_PLACED -> ordered = newestFirst(ordered, CustomerRules.productIds(a.data()), RECENT_ORDERED);
        default -> { }
      }
      List<String> ids = activityId == null ? recentActivityIds : bounded(recentActivityIds, activityId, RECENT_ACTIVITY_IDS);
      return new State(status, profile, blocked, nextActivities, views, searches, ordered, createdAt, at, ids);
    }

    private static <T> List<T> bounded(List<T> list, T added, int max) {
      List<T> next = new ArrayList<>(Math.min(list.size() + 1, max));
      next.addAll(list.subList(Math.max(0, list.size() + 1 - max), list.size()));
      next.add(added);
      return next;
    }

    private static List<String> newestFirst(List<String> current, List<String> added, int max) {
      if (added.isEmpty()) return current;
      List<String> next = new ArrayList<>(max);
      for (int i = added.size() - 1; i >= 0; i--) if (!next.contains(added.get(i))) next.add(added.get(i));
      for (String s : current) if (next.size() < max && !next.contains(s)) next.add(s);
      return next.size() > max ? next.subList(0, max) : next;
    }
  }

  // ---------------------------------------------------------------- the entity

  private final String userId;
  private final EventTags tags;

  private Customer(String userId, EventTags tags) {
    super(PersistenceId.of(CustomerCommand.ENTITY_KEY.name(), userId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.userId = userId;
    this.tags = tags;
  }

  /** Starts sharding of {@code Customer}: hosting on nodes with role {@value #ROLE}, a proxy elsewhere. Idempotent. */
  public static void init(ActorSystem<?> system) {
    ClusterSharding.get(system).init(
        Entity.of(CustomerCommand.ENTITY_KEY, ctx -> create(ctx.getEntityId())).withRole(ROLE));
  }

  public static Behavior<CustomerCommand> create(String userId) {
    return Behaviors.setup(ctx -> new Customer(userId, tags(ctx.getSystem())));
  }

  /** The tags customer events are spread over; subscribers use the same scheme. */
  public static EventTags tags(ActorSystem<?> system) {
    return EventTags.fromConfig(system, CustomerEvent.TAG_PREFIX);
  }

  @Override
  public State emptyState() {
    return State.unknown();
  }

  @Override
  public CommandHandlerWithReply<CustomerCommand, CustomerEvent, State> commandHandler() {
    // one dispatch method: Pekko's builder table (20 cases, 40 lambdas) would be built and kept by
    // every entity instance, ~1.8 KB of each active customer's heap (bench/RESULTS.md, item 5)
    return this::onCommand;
  }

  private ReplyEffect<CustomerEvent, State> onCommand(State s, CustomerCommand command) {
    if (command instanceof Get c) return Effect().reply(c.replyTo(), view(s));
    if (command instanceof GetSignals c) return Effect().reply(c.replyTo(), signals(s));
    return switch (s.status()) {
      case UNKNOWN -> whenUnknown(s, command);
      case ACTIVE -> whenActive(s, command);
      case ERASED -> whenErased(s, command);
    };
  }

  private ReplyEffect<CustomerEvent, State> whenUnknown(State s, CustomerCommand command) {
    if (command instanceof Register c) return onRegister(s, c);
    if (command instanceof UpdateProfile c) return onUpdateProfile(s, c);
    if (command instanceof RecordActivity c) return onRecordActivity(s, c);
    if (command instanceof Block c) return Effect().reply(c.replyTo(), unknown());
    if (command instanceof Unblock c) return Effect().reply(c.replyTo(), unknown());
    if (command instanceof Erase c) return Effect().reply(c.replyTo(), unknown());
    throw unhandled(command);
  }

  private ReplyEffect<CustomerEvent, State> whenActive(State s, CustomerCommand command) {
    if (command instanceof Register c) return Effect().reply(c.replyTo(), result(Outcome.UNCHANGED, s));
    if (command instanceof UpdateProfile c) return onUpdateProfile(s, c);
    if (command instanceof RecordActivity c) return onRecordActivity(s, c);
    if (command instanceof Block c) return onBlocked(s, true, c.meta(), c.replyTo());
    if (command instanceof Unblock c) return onBlocked(s, false, c.meta(), c.replyTo());
    if (command instanceof Erase c) return onErase(s, c);
    throw unhandled(command);
  }

  private ReplyEffect<CustomerEvent, State> whenErased(State s, CustomerCommand command) {
    if (command instanceof Register c) return onRegister(s, c);
    if (command instanceof UpdateProfile c) return onUpdateProfile(s, c);
    if (command instanceof RecordActivity c) return Effect().reply(c.replyTo(), erased());
    if (command instanceof Block c) return Effect().reply(c.replyTo(), erased());
    if (command instanceof Unblock c) return Effect().reply(c.replyTo(), erased());
    if (command instanceof Erase c) return Effect().reply(c.replyTo(), erased());
    throw unhandled(command);
  }

  private static IllegalArgumentException unhandled(CustomerCommand command) {
    return new IllegalArgumentException("unhandled command " + command.getClass().getName());
  }

  private ReplyEffect<CustomerEvent, State> onRegister(State state, Register cmd) {
    CustomerProfile profile;
    try {
      profile = CustomerRules.registration(cmd.displayName(), cmd.language(), cmd.pictureUrl(), cmd.statusMessage());
    } catch (CustomerRules.Invalid e) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(e.getMessage()));
    }
    return Effect().persist(new CustomerRegistered(userId, profile, meta(cmd.meta())))
        .thenReply(cmd.replyTo(), s -> result(Outcome.CREATED, s));
  }

  private ReplyEffect<CustomerEvent, State> onUpdateProfile(State state, UpdateProfile cmd) {
    CustomerProfile next;
    try {
      next = CustomerRules.apply(state.active() ? state.profile() : null, cmd.update());
    } catch (CustomerRules.Invalid e) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(e.getMessage()));
    }
    if (!state.active()) {
      return Effect().persist(new CustomerRegistered(userId, next, meta(cmd.meta())))
          .thenReply(cmd.replyTo(), s -> result(Outcome.CREATED, s));
    }
    if (next.equals(state.profile())) return Effect().reply(cmd.replyTo(), result(Outcome.UNCHANGED, state));
    return Effect().persist(new ProfileUpdated(userId, next, meta(cmd.meta())))
        .thenReply(cmd.replyTo(), s -> result(Outcome.UPDATED, s));
  }

  private ReplyEffect<CustomerEvent, State> onRecordActivity(State state, RecordActivity cmd) {
    Activity a;
    try {
      a = CustomerRules.activity(cmd.type(), cmd.data(), cmd.timestamp(), cmd.source(), Instant.now());
    } catch (CustomerRules.Invalid e) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(e.getMessage()));
    }
    if (state.recorded(cmd.activityId())) return Effect().reply(cmd.replyTo(), result(Outcome.UNCHANGED, state));
    MessageMeta meta = meta(cmd.meta());
    ActivityRecorded recorded =
        new ActivityRecorded(userId, a.type(), a.data(), a.timestamp(), a.source(), meta, cmd.activityId());
    if (!state.active()) {
      // like the seeds: a user we hear of first through activity gets the default profile
      return Effect().persist(List.of(new CustomerRegistered(userId, CustomerProfile.defaults(), meta), recorded))
          .thenReply(cmd.replyTo(), s -> result(Outcome.CREATED, s));
    }
    return Effect().persist(recorded).thenReply(cmd.replyTo(), s -> result(Outcome.UPDATED, s));
  }

  private ReplyEffect<CustomerEvent, State> onBlocked(
      State state, boolean blocked, MessageMeta cause, org.apache.pekko.actor.typed.ActorRef<StatusReply<UpdateResult>> replyTo) {
    if (state.blocked() == blocked) return Effect().reply(replyTo, result(Outcome.UNCHANGED, state));
    CustomerEvent event = blocked ? new CustomerBlocked(userId, meta(cause)) : new CustomerUnblocked(userId, meta(cause));
    return Effect().persist(event).thenReply(replyTo, s -> result(Outcome.UPDATED, s));
  }

  private ReplyEffect<CustomerEvent, State> onErase(State state, Erase cmd) {
    MessageMeta meta = meta(cmd.meta());
    return Effect().persist(new CustomerErased(userId, meta.timestamp(), meta))
        .thenReply(cmd.replyTo(), s -> result(Outcome.ERASED, s));
  }

  @Override
  public EventHandler<State, CustomerEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(CustomerRegistered.class, (s, e) -> State.registered(e.profile(), e.meta().timestamp()))
        .onEvent(ProfileUpdated.class, (s, e) -> s.withProfile(e.profile(), e.meta().timestamp()))
        .onEvent(ActivityRecorded.class, (s, e) ->
            s.record(new Activity(e.activityType(), e.data(), e.timestamp(), e.source()), e.activityId(), e.meta().timestamp()))
        .onEvent(CustomerBlocked.class, (s, e) -> s.withBlocked(true, e.meta().timestamp()))
        .onEvent(CustomerUnblocked.class, (s, e) -> s.withBlocked(false, e.meta().timestamp()))
        .onEvent(CustomerErased.class, (s, e) -> State.erased(e.erasedAt()))
        .build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // never withDeleteEventsOnSnapshot: persistence-jdbc 1.1.x stops recovery at a gap (#516)
    return RetentionCriteria.snapshotEvery(SNAPSHOT_EVERY, 2);
  }

  /** A snapshot right after erasure: recovery then starts from the tombstone, not from personal data. */
  @Override
  public boolean shouldSnapshot(State state, CustomerEvent event, long sequenceNr) {
    return event instanceof CustomerErased;
  }

  @Override
  public Set<String> tagsFor(CustomerEvent event) {
    return tags.tagsFor(userId);
  }

  // ---------------------------------------------------------------- helpers

  private CustomerView view(State s) {
    return new CustomerView(userId, s.status(), s.profile(), s.blocked(), s.activities(), s.createdAt(), s.updatedAt());
  }

  private static CustomerSignals signals(State s) {
    if (!s.active()) return CustomerSignals.EMPTY;
    return new CustomerSignals(s.profile().interests(), s.recentProductViews(), s.recentSearches(), s.orderedProductIds());
  }

  private StatusReply<UpdateResult> result(Outcome outcome, State s) {
    return StatusReply.success(new UpdateResult(outcome, view(s)));
  }

  private <T> StatusReply<T> unknown() {
    return StatusReply.error("customer " + userId + " does not exist");
  }

  private <T> StatusReply<T> erased() {
    return StatusReply.error("customer " + userId + " was erased");
  }

  private static MessageMeta meta(MessageMeta cause) {
    return cause != null ? cause.causes(SOURCE) : MessageMeta.root(SOURCE, null);
  }
}
