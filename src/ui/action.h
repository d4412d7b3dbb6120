/* action.h - what each key does.  A key changes the screen state and, for
 * pause, reset, interval, TTL range and probe method, every target's
 * trace; it returns what changed (a reaction bitmask) and the loop alone
 * decides what to redraw.  Keys arrive as UI_KEY_* codes, so this module
 * needs no curses and tests drive it directly. */
#ifndef HW_UI_ACTION_H
#define HW_UI_ACTION_H

#include <stdint.h>

#include "ui/state.h"
#include "ui/ui.h"

/* Keys other than plain characters (which are passed as themselves). */
enum ui_key {
    UI_KEY_UP = 0x110000, /* above every Unicode code point */
    UI_KEY_DOWN,          /* arrow down */
    UI_KEY_PGUP,          /* page up */
    UI_KEY_PGDN,          /* page down */
    UI_KEY_HOME,          /* home */
    UI_KEY_END,           /* end */
    UI_KEY_ENTER,         /* Enter / Return */
    UI_KEY_BACKSPACE,     /* Backspace / Delete left */
    UI_KEY_RESIZE,        /* the terminal changed size */
    UI_KEY_OTHER,         /* a function key with no meaning here */
};

#define UI_KEY_ESC 27     /* Escape: cancels a prompt */
#define UI_KEY_CTRL_L 12  /* redraw */

/* Reactions: what a key changed. */
#define UI_REACT_REDRAW 0x1u /* the picture changed: rebuild the frame */
#define UI_REACT_CLEAR 0x2u  /* repaint the whole terminal (Ctrl-L) */
#define UI_REACT_QUIT 0x4u   /* leave */

/* How long status messages stay (ms). */
#define UI_MESSAGE_MS 6000

/* Handle one key pressed at now_ms; targets has st->ntargets entries.
 * Returns UI_REACT_* bits. */
unsigned ui_action_key(struct ui_state *st, const struct ui_target *targets, int key,
                       int64_t now_ms);

#endif
