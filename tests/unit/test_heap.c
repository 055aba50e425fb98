/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"

#include "../../lib/util/heap.h"

struct ent {
	int tag;
	int64_t due;
};

static void test_pops_in_key_order(void **state)
{
	static const int64_t in[] = {50, 10, 40, 10, -3, 99, 0, 40, 7};
	static const int64_t want[] = {-3, 0, 7, 10, 10, 40, 40, 50, 99};
	struct nc_heap h;
	struct ent e;

	(void)state;
	nc_heap_init(&h, sizeof(struct ent), offsetof(struct ent, due));
	assert_null(nc_heap_top(&h));
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		nc_heap_push(&h, &(struct ent){.tag = (int)i, .due = in[i]});
	assert_int_equal(h.n, 9);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(nc_heap_top_key(&h), want[i]);
		assert_true(nc_heap_pop(&h, &e));
		assert_int_equal(e.due, want[i]);
		assert_int_equal(e.due, in[e.tag]);
	}
	assert_false(nc_heap_pop(&h, &e));
	nc_heap_clear(&h);
	nc_heap_clear(NULL);
}

static void test_grows_past_first_block(void **state)
{
	struct nc_heap h;
	struct ent e;
	int64_t last = INT64_MIN;

	(void)state;
	nc_heap_init(&h, sizeof(struct ent), offsetof(struct ent, due));
	for (int i = 0; i < 1000; i++)
		nc_heap_push(&h, &(struct ent){.tag = i, .due = (i * 7919) % 1000});
	assert_int_equal(h.cap, 1024);
	for (int i = 0; i < 1000; i++) {
		assert_true(nc_heap_pop(&h, &e));
		assert_true(e.due >= last);
		last = e.due;
		/* the room follows the elements down, never under 64 */
		assert_true(h.n >= h.cap / 4 || h.cap == 64);
	}
	assert_int_equal(h.n, 0);
	assert_int_equal(h.cap, 64);
	/* and grows again */
	for (int i = 0; i < 300; i++)
		nc_heap_push(&h, &(struct ent){.tag = i, .due = 300 - i});
	assert_int_equal(nc_heap_top_key(&h), 1);
	nc_heap_clear(&h);
}

FX_MAIN("heap", test_pops_in_key_order, test_grows_past_first_block)
