/**
 * The customer domain's protocol: commands ({@link org.linecommerce.customer.api.CustomerCommand}),
 * replies ({@link org.linecommerce.customer.api.CustomerView},
 * {@link org.linecommerce.customer.api.UpdateResult},
 * {@link org.linecommerce.customer.api.CustomerSignals}), events
 * ({@link org.linecommerce.customer.api.CustomerEvent}, tagged for subscribers), the entity type key
 * and the client facade ({@link org.linecommerce.customer.api.CustomerClient}). Other modules import
 * only this package.
 */
package org.linecommerce.customer.api;
