/**
 * Mechanisms that several event-sourced entities share, written once.
 *
 * <ul>
 *   <li>{@link org.linecommerce.runtime.entity.RememberedEntities}: sharding of an entity type
 *       whose live entities are restarted after a crash or a full cluster restart without anyone
 *       sending them a message (remember-entities, event-sourced store), hosted on one role or
 *       every node.
 *   <li>{@link org.linecommerce.runtime.entity.IdlePassivation}: such an entity leaves memory (and
 *       the remembered set) once it has been idle for a while <em>and</em> says it may: a product
 *       without active reservations, a saga that is not live.
 *   <li>{@link org.linecommerce.runtime.entity.Transition}: the events one command decides,
 *       applied to the state as they are added so later decisions see them, then persisted in one
 *       effect, each with metadata caused by the command.
 * </ul>
 *
 * The saga engine ({@code org.linecommerce.runtime.saga}) and the catalog's {@code Product} use
 * them; a new entity with the same needs should too.
 */
package org.linecommerce.runtime.entity;
