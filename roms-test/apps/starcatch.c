/*
 * Star Catch: a small arcade game written against the Heirloom app ABI, freestanding
 * (no libc). Stars fall; move the basket with the arrow keys, A/D, a gamepad or the
 * pointer (hold the button) and catch them. Holding Space (or the pad's south button)
 * hums at 440 Hz; a catch chimes at 880 Hz, a miss buzzes at 220 Hz. The best score is
 * kept in the app's persistent data.
 *
 * Video: 160x120, 8-bit indexed with a 16-colour palette.
 * Audio: 22050 Hz, stereo signed 16-bit square waves.
 *
 * Build: clang --target=wasm32-unknown-unknown -O2 -nostdlib -Wl,--no-entry
 *        -I cores/wasm-app/include -o starcatch.wasm starcatch.c
 * Define STARCATCH_LAYOUT=2 to build a variant whose memory layout differs (used to test
 * portable save states between builds).
 */
#include "heirloom.h"

#define W 160
#define H 120
#define RATE 22050
#define STARS 6
#define BASKET_W 20
#define BASKET_Y 108
#define STATE_TAG 0x53544331u /* "STC1" */

#ifndef STARCATCH_LAYOUT
#define STARCATCH_LAYOUT 1
#endif

static const uint8_t palette[16 * 4] = {
    0x08, 0x08, 0x20, 0, /* 0 night */
    0x10, 0x10, 0x38, 0, /* 1 sky bands */
    0x18, 0x18, 0x50, 0, /* 2 */
    0x20, 0x24, 0x68, 0, /* 3 */
    0x2c, 0x30, 0x80, 0, /* 4 */
    0xff, 0xe0, 0x40, 0, /* 5 star */
    0xff, 0xff, 0xc0, 0, /* 6 star core */
    0xc0, 0x60, 0x20, 0, /* 7 basket */
    0xe8, 0x90, 0x40, 0, /* 8 basket rim */
    0xf0, 0xf0, 0xf0, 0, /* 9 text */
    0xff, 0x40, 0x40, 0, /* 10 miss marks */
    0x20, 0x80, 0x30, 0, /* 11 ground */
    0x40, 0xb0, 0x50, 0, /* 12 grass */
    0x90, 0x90, 0xff, 0, /* 13 pointer */
    0x00, 0x00, 0x00, 0, /* 14 */
    0x80, 0x80, 0x80, 0, /* 15 */
};

typedef struct {
    int32_t x;      /* left edge, pixels */
    int32_t y;      /* top edge, 1/16 pixels */
    int32_t speed;  /* 1/16 pixels per frame */
    int32_t live;
} star;

/* The game state. The second layout puts the fields in another order and pads them, so
 * that a save state of one build cannot be restored by copying memory into the other. */
static struct {
#if STARCATCH_LAYOUT == 2
    uint32_t padding[37];
    int32_t misses, score;
    star stars[STARS];
    int32_t basket;
#else
    int32_t basket;
    star stars[STARS];
    int32_t score, misses;
#endif
    int32_t best;
    uint32_t rng;
    uint32_t spawn_timer;
} game;

static struct {
    uint32_t phase;
    uint32_t step;       /* phase increment per sample: freq * 2^32 / RATE */
    int32_t frames_left; /* video frames the current chime still sounds */
    int32_t amplitude;
} voice;

static uint8_t screen[W * H];
static int16_t samples[2 * (RATE / 60 + 2)];
static uint64_t frame_count;

/* 3x5 digits, one row per 3 bits (bit 2 leftmost). */
static const uint8_t digits[10][5] = {
    {7, 5, 5, 5, 7}, {2, 6, 2, 2, 7}, {7, 1, 7, 4, 7}, {7, 1, 3, 1, 7}, {5, 5, 7, 1, 1},
    {7, 4, 7, 1, 7}, {7, 4, 7, 5, 7}, {7, 1, 1, 2, 2}, {7, 5, 7, 5, 7}, {7, 5, 7, 1, 7},
};

/* A star sprite, 5x5: 0 transparent, else a palette index. */
static const uint8_t star_sprite[5][5] = {
    {0, 0, 5, 0, 0}, {0, 5, 6, 5, 0}, {5, 6, 6, 6, 5}, {0, 5, 6, 5, 0}, {0, 0, 5, 0, 0},
};

static uint32_t next_random(void) {
    uint32_t x = game.rng;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    game.rng = x;
    return x;
}

static void log_text(const char *text) {
    int32_t n = 0;
    while (text[n]) n++;
    heirloom_log(HEIRLOOM_LOG_INFO, text, n);
}

static void chime(uint32_t hz, int32_t frames) {
    voice.step = (uint32_t)(((uint64_t)hz << 32) / RATE);
    voice.frames_left = frames;
    voice.amplitude = 6000;
}

static void present_title(void);
static void draw(const heirloom_input *in);

HEIRLOOM_EXPORT(heirloom_init)
int32_t heirloom_init(int32_t host_version) {
    if (host_version < HEIRLOOM_ABI_VERSION) return 1;
    if (heirloom_audio_rate(RATE) != 0) return 2;
    game.basket = (W - BASKET_W) / 2;
    game.rng = 0x2545f491u;
    game.spawn_timer = 20;
    int32_t best = 0;
    if (heirloom_kv_get("best", 4, &best, sizeof best) == (int32_t)sizeof best) game.best = best;
    present_title();
    log_text("starcatch ready");
    return 0;
}

/* The first picture, presented while initialising so that the host knows the app's size
 * before the first frame. */
static void present_title(void) {
    heirloom_input none = {0};
    draw(&none);
    heirloom_present_indexed(screen, W, H, W, palette, 16);
}

static void fill_rect(int x, int y, int w, int h, uint8_t color) {
    for (int j = y; j < y + h; j++) {
        if (j < 0 || j >= H) continue;
        for (int i = x; i < x + w; i++) {
            if (i >= 0 && i < W) screen[j * W + i] = color;
        }
    }
}

static void draw_number(int x, int y, int32_t value, uint8_t color) {
    char text[12];
    int n = 0;
    uint32_t v = value < 0 ? 0 : (uint32_t)value;
    do {
        text[n++] = (char)(v % 10);
        v /= 10;
    } while (v && n < 10);
    for (int k = n - 1; k >= 0; k--, x += 4) {
        for (int row = 0; row < 5; row++) {
            for (int col = 0; col < 3; col++) {
                if (digits[(int)text[k]][row] & (4 >> col)) fill_rect(x + col, y + row, 1, 1, color);
            }
        }
    }
}

static void update(const heirloom_input *in) {
    int move = 0;
    if (heirloom_key_held(in, HEIRLOOM_KEY_ArrowLeft) || heirloom_key_held(in, HEIRLOOM_KEY_KeyA)) move -= 2;
    if (heirloom_key_held(in, HEIRLOOM_KEY_ArrowRight) || heirloom_key_held(in, HEIRLOOM_KEY_KeyD)) move += 2;
    const heirloom_gamepad *pad = &in->gamepads[0];
    if (pad->connected) {
        if ((pad->buttons & HEIRLOOM_BUTTON_LEFT) || pad->axes[HEIRLOOM_AXIS_LEFT_X] < -0.5f) move -= 2;
        if ((pad->buttons & HEIRLOOM_BUTTON_RIGHT) || pad->axes[HEIRLOOM_AXIS_LEFT_X] > 0.5f) move += 2;
    }
    game.basket += move;
    if (in->pointer_inside && (in->pointer_buttons & 1)) {
        int target = (int)in->pointer_x - BASKET_W / 2;
        if (target < game.basket) game.basket -= game.basket - target > 3 ? 3 : game.basket - target;
        if (target > game.basket) game.basket += target - game.basket > 3 ? 3 : target - game.basket;
    }
    if (game.basket < 0) game.basket = 0;
    if (game.basket > W - BASKET_W) game.basket = W - BASKET_W;

    if (game.spawn_timer > 0) {
        game.spawn_timer--;
    } else {
        for (int i = 0; i < STARS; i++) {
            if (!game.stars[i].live) {
                game.stars[i].live = 1;
                game.stars[i].x = (int32_t)(next_random() % (W - 5));
                game.stars[i].y = 0;
                game.stars[i].speed = 12 + (int32_t)(next_random() % 20);
                break;
            }
        }
        game.spawn_timer = 18 + next_random() % 30;
    }
    for (int i = 0; i < STARS; i++) {
        star *s = &game.stars[i];
        if (!s->live) continue;
        s->y += s->speed;
        int top = s->y >> 4;
        if (top + 5 >= BASKET_Y && top < BASKET_Y + 2 && s->x + 5 > game.basket &&
            s->x < game.basket + BASKET_W) {
            s->live = 0;
            game.score++;
            chime(880, 6);
            if (game.score > game.best) {
                game.best = game.score;
                heirloom_kv_set("best", 4, &game.best, sizeof game.best);
            }
        } else if (top >= H - 6) {
            s->live = 0;
            game.misses++;
            chime(220, 10);
        }
    }
}

static void draw(const heirloom_input *in) {
    for (int y = 0; y < H; y++) {
        uint8_t band = (uint8_t)(1 + y * 4 / (H - 8));
        if (band > 4) band = 4;
        fill_rect(0, y, W, 1, y >= H - 8 ? (y == H - 8 ? 12 : 11) : band);
    }
    for (int i = 0; i < STARS; i++) {
        const star *s = &game.stars[i];
        if (!s->live) continue;
        for (int r = 0; r < 5; r++) {
            for (int c = 0; c < 5; c++) {
                if (star_sprite[r][c]) fill_rect(s->x + c, (s->y >> 4) + r, 1, 1, star_sprite[r][c]);
            }
        }
    }
    fill_rect(game.basket, BASKET_Y, BASKET_W, 1, 8);
    fill_rect(game.basket + 1, BASKET_Y + 1, BASKET_W - 2, 3, 7);
    draw_number(2, 2, game.score, 9);
    draw_number(W - 26, 2, game.best, 5);
    for (int m = 0; m < game.misses && m < 20; m++) fill_rect(2 + m * 3, 9, 2, 2, 10);
    if (in->pointer_inside) fill_rect((int)in->pointer_x - 1, (int)in->pointer_y - 1, 3, 3, 13);
}

static void sound(const heirloom_input *in) {
    int32_t hum = heirloom_key_held(in, HEIRLOOM_KEY_Space) ||
                  (in->gamepads[0].connected && (in->gamepads[0].buttons & HEIRLOOM_BUTTON_SOUTH));
    if (voice.frames_left <= 0) {
        if (hum) {
            voice.step = (uint32_t)(((uint64_t)440 << 32) / RATE);
            voice.amplitude = 4000;
        } else {
            voice.amplitude = 0;
        }
    } else {
        voice.frames_left--;
    }
    /* The frame's share of the second, spread exactly: 367 or 368 sample frames. */
    uint64_t due = (frame_count + 1) * RATE / 60 - frame_count * RATE / 60;
    for (uint64_t i = 0; i < due; i++) {
        int16_t v = (int16_t)(voice.phase < 0x80000000u ? voice.amplitude : -voice.amplitude);
        if (voice.amplitude == 0) voice.phase = 0;
        else voice.phase += voice.step;
        samples[2 * i] = v;
        samples[2 * i + 1] = v;
    }
    heirloom_audio_push_i16(samples, (int32_t)due);
}

HEIRLOOM_EXPORT(heirloom_frame)
void heirloom_frame(void) {
    heirloom_input in;
    heirloom_input_read(&in);
    update(&in);
    draw(&in);
    heirloom_present_indexed(screen, W, H, W, palette, 16);
    sound(&in);
    frame_count++;
}

/* Portable state: a tag, then the fields in a fixed order, whatever the layout. */
static void put_word(int32_t v) { heirloom_state_write(&v, sizeof v); }

static int32_t get_word(void) {
    int32_t v = 0;
    heirloom_state_read(&v, sizeof v);
    return v;
}

HEIRLOOM_EXPORT(heirloom_save_state)
void heirloom_save_state(void) {
    put_word((int32_t)STATE_TAG);
    put_word(game.basket);
    put_word(game.score);
    put_word(game.misses);
    put_word((int32_t)game.rng);
    put_word((int32_t)game.spawn_timer);
    put_word((int32_t)frame_count);
    put_word(game.best);
    put_word((int32_t)voice.phase);
    put_word((int32_t)voice.step);
    put_word(voice.frames_left);
    put_word(voice.amplitude);
    for (int i = 0; i < STARS; i++) {
        put_word(game.stars[i].x);
        put_word(game.stars[i].y);
        put_word(game.stars[i].speed);
        put_word(game.stars[i].live);
    }
}

HEIRLOOM_EXPORT(heirloom_load_state)
void heirloom_load_state(void) {
    if ((uint32_t)get_word() != STATE_TAG) {
        log_text("not a starcatch state");
        return;
    }
    game.basket = get_word();
    game.score = get_word();
    game.misses = get_word();
    game.rng = (uint32_t)get_word();
    game.spawn_timer = (uint32_t)get_word();
    frame_count = (uint32_t)get_word();
    game.best = get_word();
    voice.phase = (uint32_t)get_word();
    voice.step = (uint32_t)get_word();
    voice.frames_left = get_word();
    voice.amplitude = get_word();
    for (int i = 0; i < STARS; i++) {
        game.stars[i].x = get_word();
        game.stars[i].y = get_word();
        game.stars[i].speed = get_word();
        game.stars[i].live = get_word();
    }
}
