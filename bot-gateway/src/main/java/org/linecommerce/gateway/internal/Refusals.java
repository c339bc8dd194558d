package org.linecommerce.gateway.internal;

import java.util.Map;

/**
 * Short answers to a refused order action, in the customer's language (en, ja, th; en otherwise).
 * Kept here until the gateway's phrase books carry them.
 */
final class Refusals {

  private Refusals() {}

  static String unknownOrder(String language) {
    return pick(language, Map.of(
        "en", "Sorry, I could not find that order.",
        "ja", "申し訳ありません、そのご注文が見つかりませんでした。",
        "th", "ขออภัย ไม่พบคำสั่งซื้อนี้"));
  }

  static String orderClosed(String language, String status) {
    return pick(language, Map.of(
        "en", "This order can no longer be changed (it is " + (status == null || status.isBlank() ? "closed" : status) + ").",
        "ja", "このご注文はすでに確定・終了しているため変更できません。",
        "th", "คำสั่งซื้อนี้ปิดแล้ว ไม่สามารถเปลี่ยนแปลงได้"));
  }

  static String cannotOrder(String language) {
    return pick(language, Map.of(
        "en", "Sorry, I could not place that order. Please tell me what you would like.",
        "ja", "申し訳ありません、ご注文を受け付けられませんでした。ご希望をお知らせください。",
        "th", "ขออภัย ไม่สามารถสั่งซื้อได้ กรุณาบอกสิ่งที่ต้องการอีกครั้ง"));
  }

  private static String pick(String language, Map<String, String> texts) {
    return texts.getOrDefault(language == null ? "en" : language, texts.get("en"));
  }
}
