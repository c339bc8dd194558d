// The LINE simulator: plays the LINE app of one user against this node in dry-run.
//
// What the user does becomes a webhook event as LINE builds it (follow, text message, postback),
// signed by the node (POST /dev/chat/sign, development secret only) and posted to the real
// POST /webhook. What the bot sends arrives as server-sent events from GET /dev/chat/events (the
// node's dry-run outbox) and is drawn as LINE draws it: texts, Flex and template carousels,
// confirm templates, quick replies, the loading animation, pushed notifications.
// Everything is built with DOM calls and textContent: bot content never becomes HTML.
(function () {
  'use strict';

  var LABELS = {
    en: {
      shopName: 'Shop', heading: 'LINE simulator', intro: "Chat with the shop's bot as a LINE user would.",
      name: 'Your display name', language: 'Language', follow: 'Add friend', dryRun: 'Dry-run: nothing is sent to LINE.',
      placeholder: 'Enter a message', send: 'Send', restart: 'New chat', online: 'online', offline: 'reconnecting…',
      followed: 'You added the shop as a friend.', nameMissing: 'Please enter a display name.',
      webhookFailed: 'The webhook answered {status}: {detail}', failed: 'Could not reach the node: {detail}',
      defaultName: 'Guest'
    },
    ja: {
      shopName: 'ショップ', heading: 'LINE シミュレーター', intro: 'LINE ユーザーとしてショップのボットと話してみましょう。',
      name: '表示名', language: '言語', follow: '友だち追加', dryRun: 'ドライラン：LINE には何も送信されません。',
      placeholder: 'メッセージを入力', send: '送信', restart: '新しいトーク', online: 'オンライン', offline: '再接続中…',
      followed: 'ショップを友だち追加しました。', nameMissing: '表示名を入力してください。',
      webhookFailed: 'Webhook の応答 {status}: {detail}', failed: 'ノードに接続できません: {detail}',
      defaultName: 'ゲスト'
    },
    th: {
      shopName: 'ร้านค้า', heading: 'ตัวจำลอง LINE', intro: 'ลองคุยกับบอทของร้านเหมือนผู้ใช้ LINE',
      name: 'ชื่อที่แสดง', language: 'ภาษา', follow: 'เพิ่มเพื่อน', dryRun: 'โหมดทดลอง: ไม่มีการส่งข้อความไปยัง LINE',
      placeholder: 'พิมพ์ข้อความ', send: 'ส่ง', restart: 'เริ่มแชทใหม่', online: 'ออนไลน์', offline: 'กำลังเชื่อมต่อใหม่…',
      followed: 'คุณได้เพิ่มร้านเป็นเพื่อนแล้ว', nameMissing: 'กรุณาใส่ชื่อที่แสดง',
      webhookFailed: 'Webhook ตอบกลับ {status}: {detail}', failed: 'เชื่อมต่อโหนดไม่ได้: {detail}',
      defaultName: 'แขก'
    }
  };
  var DESTINATION = 'U0000000000000000000000000000dev0';
  var SESSION_KEY = 'linecommerce.devchat';

  var $ = function (id) { return document.getElementById(id); };
  var state = { user: null, language: 'en', events: null, epoch: null, lastSeq: 0, loadingRow: null, loadingTimer: null };

  // ---------------------------------------------------------------- labels

  function label(key, values) {
    var table = LABELS[state.language] || LABELS.en;
    var text = table[key] || LABELS.en[key] || key;
    Object.keys(values || {}).forEach(function (k) { text = text.split('{' + k + '}').join(String(values[k])); });
    return text;
  }

  function applyLabels() {
    document.documentElement.lang = state.language;
    document.querySelectorAll('[data-i18n]').forEach(function (el) { el.textContent = label(el.getAttribute('data-i18n')); });
    document.querySelectorAll('[data-i18n-placeholder]').forEach(function (el) {
      el.placeholder = label(el.getAttribute('data-i18n-placeholder'));
    });
    if (!$('displayName').value || isDefaultName($('displayName').value)) $('displayName').value = label('defaultName');
  }

  function isDefaultName(name) {
    return Object.keys(LABELS).some(function (l) { return LABELS[l].defaultName === name; });
  }

  // ---------------------------------------------------------------- ids LINE would send

  var CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

  function randomBytes(n) {
    var bytes = new Uint8Array(n);
    crypto.getRandomValues(bytes);
    return bytes;
  }

  /** A ULID, as LINE's webhookEventId: 48-bit time then 80 random bits, Crockford base32. */
  function ulid() {
    var time = Date.now(), out = '';
    for (var i = 9; i >= 0; i--) { out = CROCKFORD.charAt(time % 32) + out; time = Math.floor(time / 32); }
    randomBytes(16).forEach(function (b) { out += CROCKFORD.charAt(b % 32); });
    return out;
  }

  function hex(n) {
    return Array.prototype.map.call(randomBytes(n), function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  function digits(n) {
    var out = String(1 + (randomBytes(1)[0] % 9));
    randomBytes(n - 1).forEach(function (b) { out += String(b % 10); });
    return out;
  }

  function token(n) {
    var chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    return Array.prototype.map.call(randomBytes(n), function (b) { return chars.charAt(b % 64); }).join('');
  }

  function event(type, extra) {
    var e = {
      type: type, mode: 'active', timestamp: Date.now(),
      source: { type: 'user', userId: state.user.userId },
      webhookEventId: ulid(), deliveryContext: { isRedelivery: false }
    };
    if (type !== 'unfollow') e.replyToken = hex(16);
    Object.keys(extra || {}).forEach(function (k) { e[k] = extra[k]; });
    return e;
  }

  // ---------------------------------------------------------------- talking to the node

  function problemDetail(response) {
    return response.text().then(function (text) {
      try { var p = JSON.parse(text); return p.detail || p.title || text; } catch (e) { return text || response.statusText; }
    });
  }

  /** Signs the body on the node (dev secret) and posts the same bytes to the real webhook. */
  function sendWebhook(events) {
    var body = JSON.stringify({ destination: DESTINATION, events: events });
    return fetch('/dev/chat/sign', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: body })
      .then(function (r) {
        if (!r.ok) return problemDetail(r).then(function (d) { throw new Error(label('webhookFailed', { status: r.status, detail: d })); });
        return r.json();
      })
      .then(function (signed) {
        return fetch('/webhook', {
          method: 'POST', headers: { 'Content-Type': 'application/json', 'x-line-signature': signed.signature }, body: body
        });
      })
      .then(function (r) {
        if (!r.ok) return problemDetail(r).then(function (d) { throw new Error(label('webhookFailed', { status: r.status, detail: d })); });
      })
      .catch(function (e) { systemLine(e.message, true); });
  }

  function sendText(text) {
    if (!text || !state.user) return;
    userBubble(text);
    hideQuickReply();
    sendWebhook([event('message', {
      message: { id: digits(18), type: 'text', text: text, quoteToken: token(40) }
    })]);
  }

  function sendPostback(data, displayText) {
    if (!state.user) return;
    if (displayText) userBubble(displayText);
    hideQuickReply();
    sendWebhook([event('postback', { postback: { data: data } })]);
  }

  function register(name, language, userId) {
    var body = { displayName: name, language: language };
    if (userId) body.userId = userId;
    return fetch('/dev/chat/users', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (r) {
        if (!r.ok) return problemDetail(r).then(function (d) { throw new Error(d); });
        return r.json();
      });
  }

  function listen() {
    if (state.events) state.events.close();
    var since = state.epoch ? state.epoch + '-' + state.lastSeq : '0';
    var source = new EventSource('/dev/chat/events?userId=' + encodeURIComponent(state.user.userId) + '&since=' + since);
    state.events = source;
    source.onopen = function () { status('online'); };
    source.onerror = function () { status('offline'); };
    source.onmessage = function (m) {
      var entry;
      try { entry = JSON.parse(m.data); } catch (e) { return; }
      // a restarted node numbers its outbox from 1 again
      if (entry.epoch !== state.epoch) { state.epoch = entry.epoch; state.lastSeq = 0; }
      if (entry.seq <= state.lastSeq) return;
      state.lastSeq = entry.seq;
      showEntry(entry);
    };
  }

  function status(key) {
    $('status').textContent = label(key);
    $('status').setAttribute('data-state', key);
  }

  // ---------------------------------------------------------------- start

  function start(saved) {
    var name = saved ? saved.displayName : $('displayName').value.trim();
    var language = saved ? saved.language : $('language').value;
    if (!name) { showStartError(label('nameMissing')); return; }
    $('follow').disabled = true;
    register(name, language, saved && saved.userId).then(function (user) {
      state.user = user;
      state.language = language;
      applyLabels();
      sessionStorage.setItem(SESSION_KEY, JSON.stringify(user));
      $('start').hidden = true;
      $('messages').hidden = false;
      $('composer').hidden = false;
      $('restart').hidden = false;
      $('title').textContent = label('shopName');
      listen();
      if (!saved) {
        systemLine(label('followed'));
        sendWebhook([event('follow', { follow: { isUnblocked: false } })]);
      }
      $('text').focus();
    }).catch(function (e) {
      $('follow').disabled = false;
      showStartError(label('failed', { detail: e.message }));
    });
  }

  function showStartError(text) {
    $('start-error').textContent = text;
    $('start-error').hidden = false;
  }

  // ---------------------------------------------------------------- drawing

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function clock(date) {
    var d = date ? new Date(date) : new Date();
    return ('0' + d.getHours()).slice(-2) + ':' + ('0' + d.getMinutes()).slice(-2);
  }

  function scrollDown() {
    var box = $('messages');
    box.scrollTop = box.scrollHeight;
  }

  function systemLine(text, error) {
    $('messages').appendChild(el('div', 'system' + (error ? ' error' : ''), text));
    scrollDown();
  }

  function userBubble(text) {
    var row = el('div', 'row user');
    row.appendChild(el('span', 'time', clock()));
    row.appendChild(el('div', 'bubble user', text));
    $('messages').appendChild(row);
    scrollDown();
  }

  function botRow(content, at, kind, senderName) {
    var row = el('div', 'row bot');
    row.setAttribute('data-kind', kind || 'reply');
    row.appendChild(el('div', 'avatar', 'BOT'));
    var stack = el('div', 'stack');
    if (senderName) stack.appendChild(el('span', 'sender', senderName));
    stack.appendChild(content);
    row.appendChild(stack);
    row.appendChild(el('span', 'time', clock(at)));
    $('messages').appendChild(row);
    scrollDown();
    return row;
  }

  function showEntry(entry) {
    if (entry.kind === 'loading') { showLoading(entry.at); return; }
    stopLoading();
    var last = null;
    (entry.messages || []).forEach(function (m) {
      var content = message(m);
      content.setAttribute('data-message-type', m.type || '');
      if (entry.kind === 'push') content.classList.add('notification');
      botRow(content, entry.at, entry.kind, m.sender && m.sender.name);
      last = m;
    });
    if (last && last.quickReply && last.quickReply.items) showQuickReply(last.quickReply.items);
    else hideQuickReply();
  }

  function showLoading(at) {
    stopLoading();
    var bubble = el('div', 'bubble bot loading');
    for (var i = 0; i < 3; i++) bubble.appendChild(el('span', null, '●'));
    state.loadingRow = botRow(bubble, at, 'loading');
    // LINE shows it until the next message or for loadingSeconds (the bot asks for 20)
    state.loadingTimer = setTimeout(stopLoading, 20000);
  }

  function stopLoading() {
    if (state.loadingTimer) clearTimeout(state.loadingTimer);
    if (state.loadingRow) state.loadingRow.remove();
    state.loadingRow = null;
    state.loadingTimer = null;
  }

  /** One LINE message object as an element. */
  function message(m) {
    switch (m.type) {
      case 'text': return el('div', 'bubble bot', m.text);
      case 'flex': return flexMessage(m);
      case 'template': return template(m.template || {}, m.altText);
      case 'image': {
        var img = el('img', 'image-message');
        img.src = m.previewImageUrl || m.originalContentUrl;
        img.alt = '';
        return img;
      }
      case 'sticker': return el('div', 'bubble bot', '[sticker ' + m.packageId + '/' + m.stickerId + ']');
      default: return el('div', 'bubble bot', '[' + m.type + '] ' + (m.altText || ''));
    }
  }

  // ---- actions (buttons, quick replies) ----

  function actionButton(action, className) {
    var b = el('button', 'action' + (className ? ' ' + className : ''), action.label || action.text || '');
    b.type = 'button';
    b.setAttribute('data-type', action.type || '');
    if (action.data) b.setAttribute('data-data', action.data);
    if (action.text) b.setAttribute('data-text', action.text);
    b.addEventListener('click', function () { perform(action); });
    return b;
  }

  function perform(action) {
    if (action.type === 'message') sendText(action.text);
    else if (action.type === 'postback') sendPostback(action.data, action.displayText || action.text);
    else if (action.type === 'uri' && action.uri) window.open(action.uri, '_blank', 'noopener');
  }

  function showQuickReply(items) {
    var bar = $('quick-reply');
    bar.textContent = '';
    items.forEach(function (item) {
      if (!item.action) return;
      var b = actionButton(item.action, 'chip');
      bar.appendChild(b);
    });
    bar.hidden = bar.children.length === 0;
  }

  function hideQuickReply() {
    $('quick-reply').hidden = true;
    $('quick-reply').textContent = '';
  }

  // ---- templates ----

  function template(t, altText) {
    if (t.type === 'carousel') {
      var carousel = el('div', 'carousel template-carousel');
      carousel.title = altText || '';
      (t.columns || []).forEach(function (c) { carousel.appendChild(templateCard(c, 'column template')); });
      return carousel;
    }
    if (t.type === 'image_carousel') {
      var images = el('div', 'carousel');
      (t.columns || []).forEach(function (c) {
        var col = el('div', 'column template');
        col.appendChild(image(c.imageUrl, 'thumbnail'));
        if (c.action) col.appendChild(actionButton(c.action));
        images.appendChild(col);
      });
      return images;
    }
    if (t.type === 'confirm') {
      var confirm = el('div', 'template confirm single');
      confirm.appendChild(el('div', 'text', t.text));
      var actions = el('div', 'actions');
      (t.actions || []).forEach(function (a) { actions.appendChild(actionButton(a)); });
      confirm.appendChild(actions);
      return confirm;
    }
    return templateCard(t, 'template buttons single'); // buttons
  }

  function templateCard(c, className) {
    var card = el('div', className);
    if (c.thumbnailImageUrl) card.appendChild(image(c.thumbnailImageUrl, 'thumbnail'));
    if (c.title) card.appendChild(el('div', 'title', c.title));
    if (c.text) card.appendChild(el('div', 'text', c.text));
    var actions = el('div', 'actions');
    (c.actions || []).forEach(function (a) { actions.appendChild(actionButton(a)); });
    card.appendChild(actions);
    return card;
  }

  function image(url, className) {
    var img = el('img', className);
    img.alt = '';
    img.loading = 'lazy';
    img.onerror = function () {
      // this machine may be offline: a soft placeholder instead of a broken image
      var missing = el('div', 'image-missing', '🛍');
      if (img.parentNode) img.parentNode.replaceChild(missing, img);
    };
    img.src = url;
    return img;
  }

  // ---- Flex ----

  function flexMessage(m) {
    var c = m.contents || {};
    if (c.type === 'carousel') {
      var carousel = el('div', 'carousel flex-carousel');
      carousel.title = m.altText || '';
      (c.contents || []).forEach(function (b) { carousel.appendChild(flexBubble(b, 'column')); });
      return carousel;
    }
    var single = flexBubble(c, 'single');
    single.title = m.altText || '';
    return single;
  }

  function flexBubble(b, extraClass) {
    var bubble = el('div', 'flex-bubble ' + (extraClass || ''));
    if (b.header) bubble.appendChild(section(b.header, 'section header'));
    if (b.hero) {
      if (b.hero.type === 'image') bubble.appendChild(image(b.hero.url, 'hero-image'));
      else bubble.appendChild(section(b.hero, 'section hero'));
    }
    if (b.body) bubble.appendChild(section(b.body, 'section body'));
    if (b.footer) bubble.appendChild(section(b.footer, 'footer'));
    return bubble;
  }

  function section(component, className) {
    var wrap = el('div', className);
    wrap.appendChild(flexComponent(component));
    return wrap;
  }

  var SIZES = { xxs: 10, xs: 11, sm: 13, md: 14, lg: 17, xl: 19, xxl: 22, '3xl': 26, '4xl': 32, '5xl': 40 };
  var SPACING = { none: 0, xs: 2, sm: 4, md: 8, lg: 12, xl: 16, xxl: 20 };

  function flexComponent(c) {
    var node;
    switch (c.type) {
      case 'box': {
        node = el('div', 'box ' + (c.layout || 'vertical'));
        if (c.spacing) node.style.gap = (SPACING[c.spacing] !== undefined ? SPACING[c.spacing] : parseInt(c.spacing, 10) || 0) + 'px';
        if (c.backgroundColor) node.style.backgroundColor = c.backgroundColor;
        (c.contents || []).forEach(function (child) { node.appendChild(flexComponent(child)); });
        break;
      }
      case 'text': {
        node = el('div', 'flex-text' + (c.wrap ? ' wrap' : '') + (c.weight === 'bold' ? ' bold' : ''), c.text);
        if (c.size) node.style.fontSize = (SIZES[c.size] || parseInt(c.size, 10) || 14) + 'px';
        if (c.color) node.style.color = c.color;
        if (c.align) node.style.textAlign = c.align;
        break;
      }
      case 'separator': node = el('hr', 'flex-separator'); break;
      case 'button': {
        node = actionButton(c.action || {}, c.style || 'link');
        if (c.color && c.style === 'primary') node.style.backgroundColor = c.color;
        else if (c.color) node.style.color = c.color;
        break;
      }
      case 'image': node = image(c.url, 'hero-image'); break;
      default: node = el('div', 'flex-' + (c.type || 'unknown')); // filler, spacer, icon…
    }
    if (c.flex !== undefined) node.style.flex = String(c.flex);
    if (c.margin && SPACING[c.margin] !== undefined) node.style.marginTop = SPACING[c.margin] + 'px';
    if (c.action && c.type !== 'button') {
      node.style.cursor = 'pointer';
      node.addEventListener('click', function () { perform(c.action); });
    }
    return node;
  }

  // ---------------------------------------------------------------- wiring

  $('language').addEventListener('change', function () {
    state.language = $('language').value;
    applyLabels();
  });
  $('follow').addEventListener('click', function () { start(null); });
  $('displayName').addEventListener('keydown', function (e) { if (e.key === 'Enter') start(null); });
  $('composer').addEventListener('submit', function (e) {
    e.preventDefault();
    var text = $('text').value.trim();
    $('text').value = '';
    sendText(text);
  });
  $('restart').addEventListener('click', function () {
    sessionStorage.removeItem(SESSION_KEY);
    if (state.events) state.events.close();
    location.reload();
  });

  var browserLanguage = (navigator.language || 'en').slice(0, 2);
  state.language = LABELS[browserLanguage] ? browserLanguage : 'en';
  $('language').value = state.language;
  applyLabels();

  // a reload continues the same chat (the bot's messages are replayed from the outbox)
  var saved = null;
  try { saved = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null'); } catch (e) { saved = null; }
  if (saved && saved.userId) start(saved);
}());
