package org.linecommerce.runtime.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.marshalling.Marshaller;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;

/** JSON for HTTP routes, through the ObjectMapper Pekko's Jackson support configures. */
public final class Json {

  private Json() {}

  /** The system's JSON mapper (configured under {@code pekko.serialization.jackson.jackson-json}). */
  public static ObjectMapper mapper(ActorSystem<?> system) {
    return JacksonObjectMapperProvider.get(system).getOrCreate("jackson-json", Optional.empty());
  }

  public static <T> Marshaller<T, RequestEntity> marshaller(ActorSystem<?> system) {
    return Jackson.marshaller(mapper(system));
  }

  public static <T> Unmarshaller<HttpEntity, T> unmarshaller(ActorSystem<?> system, Class<T> type) {
    return Jackson.unmarshaller(mapper(system), type);
  }
}
