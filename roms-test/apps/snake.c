/*
 * Snake: a game written the way a DOS-era program was, around its own main loop, and
 * run unchanged as a loop app (HEIRLOOM_LOOP in heirloom.h). main() shows a title screen
 * and waits for a key in a loop of its own; each round runs a nested game loop that moves
 * the snake every few frames; losing flashes the screen and waits on "GAME OVER" before
 * the title comes back. Every heirloom_present_indexed call ends a frame, and the program
 * continues right after it in the next one.
 *
 * Keys: Enter or Space (or a pad's start/south) starts; the arrow keys or a pad's
 * direction buttons steer; Escape quits (the app exits with the best score).
 *
 * Video: 128x96, 8-bit indexed with an 8-colour palette. Audio: 22050 Hz, stereo signed
 * 16-bit: a 660 Hz blip when the snake eats, a 110 Hz buzz when it crashes.
 *
 * Build: clang --target=wasm32-unknown-unknown -O2 -nostdlib -Wl,--no-entry
 *        -I cores/wasm-app/include -o snake.wasm snake.c
 *        wasm-opt --asyncify --pass-arg=asyncify-ignore-imports -O2 snake.wasm -o snake.wasm
 */
#define HEIRLOOM_LOOP
#define HEIRLOOM_LOOP_AUDIO_RATE 22050
#include "heirloom.h"

#define W 128
#define H 96
#define CELL 4
#define COLS (W / CELL)
#define ROWS ((H - 8) / CELL) /* the top 8 rows show the score */
#define RATE HEIRLOOM_LOOP_AUDIO_RATE
#define MAX_LENGTH (COLS * ROWS)

enum { BLACK, FIELD, WALL, BODY, HEAD, FOOD, TEXT, FLASH };

static const uint8_t palette[8 * 4] = {
    0x00, 0x00, 0x00, 0, /* black */
    0x10, 0x30, 0x10, 0, /* field */
    0x60, 0x60, 0x60, 0, /* wall */
    0x30, 0xc0, 0x30, 0, /* body */
    0xa0, 0xff, 0x60, 0, /* head */
    0xff, 0x40, 0x30, 0, /* food */
    0xf0, 0xf0, 0xd0, 0, /* text */
    0xff, 0xff, 0xff, 0, /* flash */
};

static uint8_t screen[W * H];
static int16_t samples[2 * (RATE / 60 + 2)];
static uint64_t frames;
static uint32_t rng = 0x9e3779b9u;
static int32_t best;

/* The sound of the current frames: a square wave and how many frames it still lasts. */
static struct {
    uint32_t phase, step;
    int32_t frames_left;
} voice;

/* 3x5 glyphs, one row per 3 bits (bit 2 leftmost): digits, then the letters used. */
static const char glyph_names[] = "0123456789SNAKEPRGMOVTBY";
static const uint8_t glyphs[][5] = {
    {7, 5, 5, 5, 7}, {2, 6, 2, 2, 7}, {7, 1, 7, 4, 7}, {7, 1, 3, 1, 7}, {5, 5, 7, 1, 1},
    {7, 4, 7, 1, 7}, {7, 4, 7, 5, 7}, {7, 1, 1, 2, 2}, {7, 5, 7, 5, 7}, {7, 5, 7, 1, 7},
    {7, 4, 7, 1, 7}, {5, 7, 7, 5, 5}, {2, 5, 7, 5, 5}, {5, 5, 6, 5, 5}, {7, 4, 6, 4, 7},
    {6, 5, 6, 4, 4}, {6, 5, 6, 5, 5}, {7, 4, 5, 5, 7}, {5, 7, 7, 5, 5}, {7, 5, 5, 5, 7},
    {5, 5, 5, 5, 2}, {7, 2, 2, 2, 2}, {6, 5, 6, 5, 6}, {5, 5, 2, 2, 2},
};

static uint32_t next_random(void) {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static void fill_rect(int x, int y, int w, int h, uint8_t color) {
    for (int j = y; j < y + h; j++) {
        for (int i = x; i < x + w; i++) {
            if (i >= 0 && i < W && j >= 0 && j < H) screen[j * W + i] = color;
        }
    }
}

/* Draws `text` with 3x5 glyphs scaled by `scale`, starting at (x, y). */
static void draw_text(int x, int y, const char *text, int scale, uint8_t color) {
    for (; *text; text++, x += 4 * scale) {
        for (int g = 0; glyph_names[g]; g++) {
            if (glyph_names[g] != *text) continue;
            for (int row = 0; row < 5; row++) {
                for (int col = 0; col < 3; col++) {
                    if (glyphs[g][row] & (4 >> col)) {
                        fill_rect(x + col * scale, y + row * scale, scale, scale, color);
                    }
                }
            }
        }
    }
}

static void draw_number(int x, int y, int32_t value, uint8_t color) {
    char text[12];
    int n = 11;
    text[n] = 0;
    do {
        text[--n] = (char)('0' + value % 10);
        value /= 10;
    } while (value > 0 && n > 0);
    draw_text(x, y, text + n, 1, color);
}

static void sound(uint32_t hz, int32_t length) {
    voice.step = (uint32_t)(((uint64_t)hz << 32) / RATE);
    voice.frames_left = length;
}

/* Pushes one frame of sound (silence when no sound is playing). */
static void mix_audio(void) {
    int32_t due = (int32_t)((frames + 1) * RATE / 60 - frames * RATE / 60);
    for (int32_t i = 0; i < due; i++) {
        int16_t level = 0;
        if (voice.frames_left > 0) {
            level = (voice.phase >> 31) ? 5000 : -5000;
            voice.phase += voice.step;
        }
        samples[2 * i] = level;
        samples[2 * i + 1] = level;
    }
    if (voice.frames_left > 0) voice.frames_left--;
    heirloom_audio_push_i16(samples, due);
}

/* The old program's "copy the screen and wait for the vertical blank": ends the frame. */
static void show(heirloom_input *in) {
    mix_audio();
    heirloom_present_indexed(screen, W, H, W, palette, 8);
    frames++;
    heirloom_input_read(in);
}

static int start_pressed(const heirloom_input *in) {
    const heirloom_gamepad *pad = &in->gamepads[0];
    return heirloom_key_held(in, HEIRLOOM_KEY_Enter) || heirloom_key_held(in, HEIRLOOM_KEY_Space) ||
           (pad->connected && (pad->buttons & (HEIRLOOM_BUTTON_START | HEIRLOOM_BUTTON_SOUTH)));
}

/* The title screen: its own loop, until a start key is pressed (and let go). */
static int title(heirloom_input *in) {
    for (int32_t t = 0;; t++) {
        if (heirloom_key_held(in, HEIRLOOM_KEY_Escape)) return 0;
        fill_rect(0, 0, W, H, BLACK);
        draw_text(24, 20, "SNAKE", 4, HEAD);
        /* A snake crawling under the title. */
        for (int k = 0; k < 12; k++) {
            int x = (t / 2 + k * CELL) % (W + 12 * CELL) - 12 * CELL;
            fill_rect(x, 52, CELL - 1, CELL - 1, k == 11 ? HEAD : BODY);
        }
        if ((t / 30) % 2 == 0) draw_text(44, 66, "PRESS", 1, TEXT);
        draw_text(24, 80, "BEST", 1, TEXT);
        draw_number(44, 80, best, TEXT);
        show(in);
        if (start_pressed(in)) {
            while (start_pressed(in)) show(in);
            return 1;
        }
    }
}

static struct {
    uint8_t x[MAX_LENGTH], y[MAX_LENGTH]; /* head first */
    int32_t length, dx, dy, food_x, food_y, score;
} snake;

static int occupied(int x, int y) {
    for (int32_t i = 0; i < snake.length; i++) {
        if (snake.x[i] == x && snake.y[i] == y) return 1;
    }
    return 0;
}

static void place_food(void) {
    do {
        snake.food_x = 1 + (int32_t)(next_random() % (COLS - 2));
        snake.food_y = 1 + (int32_t)(next_random() % (ROWS - 2));
    } while (occupied(snake.food_x, snake.food_y));
}

static void draw_field(void) {
    fill_rect(0, 0, W, 8, BLACK);
    draw_text(2, 1, "SNAKE", 1, TEXT);
    draw_number(30, 1, snake.score, TEXT);
    draw_text(80, 1, "BEST", 1, TEXT);
    draw_number(100, 1, best, TEXT);
    for (int y = 0; y < ROWS; y++) {
        for (int x = 0; x < COLS; x++) {
            int edge = x == 0 || y == 0 || x == COLS - 1 || y == ROWS - 1;
            fill_rect(x * CELL, 8 + y * CELL, CELL, CELL, edge ? WALL : FIELD);
        }
    }
    fill_rect(snake.food_x * CELL, 8 + snake.food_y * CELL, CELL - 1, CELL - 1, FOOD);
    for (int32_t i = snake.length - 1; i >= 0; i--) {
        fill_rect(snake.x[i] * CELL, 8 + snake.y[i] * CELL, CELL - 1, CELL - 1, i ? BODY : HEAD);
    }
}

static void steer(const heirloom_input *in) {
    const heirloom_gamepad *pad = &in->gamepads[0];
    uint32_t buttons = pad->connected ? pad->buttons : 0;
    int up = heirloom_key_held(in, HEIRLOOM_KEY_ArrowUp) || (buttons & HEIRLOOM_BUTTON_UP);
    int down = heirloom_key_held(in, HEIRLOOM_KEY_ArrowDown) || (buttons & HEIRLOOM_BUTTON_DOWN);
    int left = heirloom_key_held(in, HEIRLOOM_KEY_ArrowLeft) || (buttons & HEIRLOOM_BUTTON_LEFT);
    int right = heirloom_key_held(in, HEIRLOOM_KEY_ArrowRight) || (buttons & HEIRLOOM_BUTTON_RIGHT);
    if (up && snake.dy == 0) { snake.dx = 0; snake.dy = -1; }
    else if (down && snake.dy == 0) { snake.dx = 0; snake.dy = 1; }
    else if (left && snake.dx == 0) { snake.dx = -1; snake.dy = 0; }
    else if (right && snake.dx == 0) { snake.dx = 1; snake.dy = 0; }
}

/* One round: the game loop. Returns 0 when the player quit. */
static int play(heirloom_input *in) {
    snake.length = 4;
    snake.score = 0;
    snake.dx = 1;
    snake.dy = 0;
    for (int32_t i = 0; i < snake.length; i++) {
        snake.x[i] = (uint8_t)(COLS / 2 - i);
        snake.y[i] = ROWS / 2;
    }
    place_food();
    for (;;) {
        /* The snake moves every 4 frames; the keys are read on every frame. */
        for (int wait = 0; wait < 4; wait++) {
            if (heirloom_key_held(in, HEIRLOOM_KEY_Escape)) return 0;
            steer(in);
            draw_field();
            show(in);
        }
        int x = snake.x[0] + snake.dx, y = snake.y[0] + snake.dy;
        if (x <= 0 || y <= 0 || x >= COLS - 1 || y >= ROWS - 1 || occupied(x, y)) break;
        int grows = x == snake.food_x && y == snake.food_y;
        if (grows && snake.length < MAX_LENGTH) snake.length++;
        for (int32_t i = snake.length - 1; i > 0; i--) {
            snake.x[i] = snake.x[i - 1];
            snake.y[i] = snake.y[i - 1];
        }
        snake.x[0] = (uint8_t)x;
        snake.y[0] = (uint8_t)y;
        if (grows) {
            snake.score += 10;
            sound(660, 4);
            place_food();
        }
    }
    /* Crash: flash three times, then "GAME OVER" for two seconds. */
    sound(110, 20);
    if (snake.score > best) {
        best = snake.score;
        heirloom_kv_set("best", 4, &best, sizeof best);
    }
    for (int flash = 0; flash < 6; flash++) {
        for (int t = 0; t < 5; t++) {
            draw_field();
            if (flash % 2 == 0) fill_rect(0, 8, W, H - 8, FLASH);
            show(in);
        }
    }
    for (int t = 0; t < 120; t++) {
        draw_field();
        fill_rect(20, 34, 88, 26, BLACK);
        draw_text(26, 38, "GAME", 2, FOOD);
        draw_text(66, 38, "OVER", 2, FOOD);
        draw_number(56, 52, snake.score, TEXT);
        show(in);
    }
    return 1;
}

int heirloom_main(void) {
    heirloom_input in;
    heirloom_input_read(&in);
    if (heirloom_kv_get("best", 4, &best, sizeof best) != (int32_t)sizeof best) best = 0;
    rng ^= (uint32_t)best;
    while (title(&in) && play(&in)) {
    }
    return best;
}
