package org.linecommerce.gateway.line;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostbackDataTest {

  private static final List<PostbackData> ALL = List.of(
      new PostbackData.ConfirmOrder("ord-2f6c1e9a-5b7d-4c1e-9f0a-1b2c3d4e5f60"),
      new PostbackData.CancelOrder("ord-2f6c1e9a-5b7d-4c1e-9f0a-1b2c3d4e5f60"),
      new PostbackData.ProductDetails("matcha-uji-30g"),
      new PostbackData.OrderProduct("matcha-uji-30g", 1),
      new PostbackData.OrderProduct("tea set & cups=2 抹茶 ชาเขียว", 99),
      new PostbackData.Reorder("p/with?odd#chars%20"));

  @Test
  void everyPostbackRoundTripsAndFitsLinesLimit() {
    for (PostbackData data : ALL) {
      String encoded = data.encode();
      assertThat(encoded).hasSizeLessThanOrEqualTo(PostbackData.MAX_LENGTH);
      assertThat(data.fits()).isTrue();
      assertThat(PostbackData.parse(encoded)).as(encoded).contains(data);
    }
  }

  @Test
  void theFormatIsTheOneTheReactionsRead() {
    assertThat(new PostbackData.ConfirmOrder("o-1").encode()).isEqualTo("action=confirm_order&orderId=o-1");
    assertThat(new PostbackData.CancelOrder("o-1").encode()).isEqualTo("action=cancel_order&orderId=o-1");
    assertThat(new PostbackData.ProductDetails("p-1").encode()).isEqualTo("action=product&productId=p-1");
    assertThat(new PostbackData.OrderProduct("p-1", 1).encode()).isEqualTo("action=order_product&productId=p-1&quantity=1");
    assertThat(new PostbackData.Reorder("p-1").encode()).isEqualTo("action=reorder&productId=p-1");
    assertThat(PostbackData.parse("action=order_product&productId=p-1")).contains(new PostbackData.OrderProduct("p-1", 1));
    assertThat(PostbackData.parse("productId=p-1&action=product")).contains(new PostbackData.ProductDetails("p-1"));
  }

  @Test
  void garbledOrForeignDataIsRejectedWithoutAnException() {
    for (String garbled : Arrays.asList(
        null, "", "   ", "action", "action=", "=x", "hello world", "action=confirm_order",
        "action=confirm_order&orderId=", "action=confirm_order&orderId=%zz", "action=%E3%81",
        "action=order_product&productId=p&quantity=abc", "action=order_product&productId=p&quantity=0",
        "action=order_product&productId=p&quantity=100", "action=order_product&productId=p&quantity=-1",
        "action=confirm_order&orderId=a&orderId=b", "action=launch_rocket&orderId=o-1",
        "action=cancel_order&&orderId=o-1", "{\"action\":\"confirm_order\"}",
        "action=product&productId=" + "x".repeat(300), "richmenu-changed-to-a")) {
      assertThat(PostbackData.parse(garbled)).as(String.valueOf(garbled)).isEmpty();
    }
  }

  @Test
  void anIdTooLongForLineIsReportedAsNotFitting() {
    PostbackData overlong = new PostbackData.ProductDetails("抹".repeat(40));
    assertThat(overlong.encode().length()).isGreaterThan(PostbackData.MAX_LENGTH);
    assertThat(overlong.fits()).isFalse();
  }

  @Test
  void blankIdsAndImpossibleQuantitiesCannotBeBuilt() {
    assertThatThrownBy(() -> new PostbackData.ConfirmOrder(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PostbackData.OrderProduct("p", 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
