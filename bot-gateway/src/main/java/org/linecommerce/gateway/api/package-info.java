/** The bot-gateway domain's protocol: commands, replies, events, entity type keys and the client facade. Other modules import only this package. */
package org.linecommerce.gateway.api;
