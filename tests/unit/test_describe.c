/* SPDX-License-Identifier: MIT */
/*
 * The describe view of `connector show', `edge show' and the dashboard:
 * the view gathered from the API's replies, and its lines, fed JSON of the
 * shapes the core serves (GET /v1/devices/{serial}/tunnels included),
 * through the CLI library.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/util/err.h"
#include "../../cli/cmd.h"
#include "../../cli/cmdinfo.h"
#include "../../cli/describe.h"
#include "../../cli/evline.h"
#include "../../cli/output.h"

#define NOW 1795315400

/* The lines of a view, joined with '\n', each "part|word|text". */
struct text {
	char buf[16384];
	size_t len;
	int split; /* the index of the first line of part 1 */
	int n;
};

static void collect(void *arg, int part, const char *word, const char *text)
{
	struct text *t = arg;

	if (part == 1 && t->split < 0)
		t->split = t->n;
	t->n++;
	t->len += (size_t)snprintf(t->buf + t->len, sizeof(t->buf) - t->len, "%d|%s|%s\n", part,
				   word, text);
	assert_true(t->len < sizeof(t->buf));
}

static json_t *load(const char *s)
{
	json_error_t e;
	json_t *v = json_loads(s, 0, &e);

	if (!v)
		fail_msg("bad JSON in the test: %s", e.text);
	return v;
}

static const char *J_CONN =
	"{\"serial\":\"CN0001\",\"name\":\"branch-1\",\"status\":\"active\",\"tenant\":\"acme\","
	"\"region\":\"eu\",\"hub_edge\":\"EDGE-1\",\"lan_subnets\":[\"192.168.10.0/24\"],"
	"\"nat\":{\"enabled\":true,\"wan_interface\":\"eth0\"},\"acl\":[],\"routes\":[],"
	"\"public_key\":\"k\",\"last_seen\":\"2026-11-22T02:43:10Z\","
	"\"sync\":{\"state\":\"synced\",\"dirty_reason\":null}}";

static const char *J_SYNC =
	"{\"serial\":\"CN0001\",\"tenant\":\"acme\",\"state\":\"failed\","
	"\"dirty_reason\":\"link added\",\"fail_reason\":\"agent_failure\",\"seq\":42,"
	"\"config_hash\":\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\","
	"\"confirmed_seq\":41,\"confirmed_hash\":\"fedcba9876543210aaaa\",\"attempts\":1,"
	"\"sent_at\":\"2026-11-22T02:42:40Z\",\"confirmed_at\":\"2026-11-22T02:42:20Z\","
	"\"last_confirm\":{\"seq\":42,\"status\":\"failure\",\"config_hash\":\"99887766554433\","
	"\"applied\":3,\"failed\":1,\"failures\":[{\"index\":2,\"topic\":\"nat_config\","
	"\"error\":\"no such device eth1\\u001b[2J\"}]}}";

/* The reply of GET /v1/devices/{serial}/tunnels (wip/tunnels' contract). */
static const char *J_TUNNELS =
	"{\"serial\":\"CN0001\",\"backbone\":\"up\",\"tunnels\":["
	"{\"interface\":\"wg0\",\"peer\":\"EDGE-1\",\"peering\":null,\"protocol\":\"wireguard\","
	"\"tunnel_index\":0,\"role\":\"backbone\",\"up\":true,\"sa\":null,"
	"\"latest_handshake\":1795315388,\"rx_bytes\":1536,\"tx_bytes\":3221225472,"
	"\"reported_at\":1795315390},"
	"{\"interface\":\"wg2\",\"peer\":\"CN0002\",\"peering\":\"g1\",\"protocol\":\"wireguard\","
	"\"tunnel_index\":0,\"role\":\"peering\",\"up\":false,\"sa\":null,"
	"\"latest_handshake\":null,\"rx_bytes\":null,\"tx_bytes\":null,\"reported_at\":1795315390},"
	"{\"interface\":\"xfrm\",\"peer\":\"CN0002\",\"peering\":\"g2\",\"protocol\":\"ipsec\","
	"\"tunnel_index\":0,\"role\":\"peering\",\"up\":true,\"sa\":\"established\","
	"\"latest_handshake\":null,\"rx_bytes\":null,\"tx_bytes\":null,\"reported_at\":1795315390},"
	"{\"interface\":\"xfrm\",\"peer\":\"CN0003\",\"peering\":\"g2\",\"protocol\":\"ipsec\","
	"\"tunnel_index\":0,\"role\":\"peering\",\"up\":false,\"sa\":\"down\","
	"\"latest_handshake\":null,\"rx_bytes\":null,\"tx_bytes\":null,\"reported_at\":1795315390}"
	"]}";

static const char *J_EVENTS =
	"{\"items\":[{\"id\":7,\"ts\":\"2026-11-22T02:03:01.000Z\",\"type\":\"dirty\","
	"\"tenant\":\"acme\",\"device\":\"CN0001\",\"reason\":\"link added\","
	"\"state\":\"pending\"}],\"next_cursor\":null,\"last_id\":9}";

/* What the view of J_CONN, J_SYNC, J_TUNNELS and J_EVENTS shows, among other lines. */
static const char *const conn_lines[] = {
	"0||Serial:          CN0001\n",
	"0|active|Status:          active\n",
	"0||Hub Edge:        EDGE-1\n",
	"0||NAT:             on (wan eth0)\n",
	"0||Last Seen:       10s ago\n",
	"1||Sync:\n",
	"1|failed|  State:         failed\n",
	"1||  Dirty Reason:  link added\n",
	"1||  Fail Reason:   agent_failure\n",
	"1||  Sent:          seq 42, hash 01234567, 40s ago\n",
	"1||  Confirmed:     seq 41, hash fedcba98, 1m ago\n",
	"1|failure|  Last Confirm:  seq 42, failure, hash 99887766, 3 applied, 1 failed\n",
	"1|failed|    #2 nat_config: no such device eth1?[2J\n", /* no ESC */
	"1|up|Backbone:        up\n",
	/* the tunnel table: a header and one row per tunnel, columns aligned */
	"1||  INTERFACE  PEER    GROUP  PROTOCOL   INDEX  STATE            HANDSHAKE  RX   "
	"    "
	"TX\n",
	"1|up|  wg0        EDGE-1  -      wireguard  0      up               12s ago    "
	"1.5 KiB  3.0 GiB\n",
	"1|down|  wg2        CN0002  g1     wireguard  0      down             -          "
	"-        -\n",
	"1|up|  xfrm       CN0002  g2     ipsec      0      SA: Established  -          "
	"-        -\n",
	"1|down|  xfrm       CN0003  g2     ipsec      0      SA: Down         -          "
	"-        -\n",
	"1||Events:\n",
	"CN0001",
	"link added",
};

/* What the view of J_CONN alone shows of the parts not known. */
static const char *const unknown_lines[] = {
	"1||Sync:            unknown\n",
	"1||Backbone:        unknown\n",
	"1||Tunnels:         unknown (the core reports none)\n",
	"1||Events:          unknown (they could not be read)\n",
};

static void has(const struct text *t, const char *line)
{
	if (!strstr(t->buf, line))
		fail_msg("wanted `%s' in:\n%s", line, t->buf);
}

/* The lines of the view cli_describe_view makes of dev, s, tun and ev (each but dev may be NULL:
 * not known), into *t; every line of want[0..n) must be among them. */
static void describe(json_t *dev, json_t *s, json_t *tun, json_t *ev, const char *const *want,
		     size_t n, struct text *t)
{
	json_t *view = NULL;

	assert_int_equal(cli_describe_view(dev, s, tun, ev, &view), 0);
	memset(t, 0, sizeof(*t));
	t->split = -1;
	assert_int_equal(cli_describe_lines(view, NOW, collect, t), 0);
	json_decref(view);
	for (size_t i = 0; i < n; i++)
		has(t, want[i]);
}

static void test_view_json(void **state)
{
	json_t *dev = load(J_CONN), *s = load(J_SYNC), *tun = load(J_TUNNELS);
	json_t *ev = load(J_EVENTS), *list, *view = NULL;

	(void)state;
	assert_int_equal(cli_describe_view(dev, s, tun, ev, &view), 0);
	assert_string_equal(json_string_value(json_object_get(view, "serial")), "CN0001");
	assert_string_equal(json_string_value(json_object_get(view, "backbone")), "up");
	assert_int_equal(json_array_size(json_object_get(view, "tunnels")), 4);
	assert_int_equal(json_array_size(json_object_get(view, "events")), 1);
	assert_int_equal(json_array_size(json_object_get(view, "sync_states")), 1);
	/* the device's own members are kept as the server gave them */
	assert_true(json_is_object(json_object_get(view, "sync")));
	json_decref(view);

	/* An MTGE's states come as a list; parts that could not be read are null. */
	list = json_pack("{s:[O,O]}", "items", s, s);
	assert_int_equal(cli_describe_view(dev, list, NULL, NULL, &view), 0);
	assert_int_equal(json_array_size(json_object_get(view, "sync_states")), 2);
	assert_true(json_is_null(json_object_get(view, "tunnels")));
	assert_true(json_is_null(json_object_get(view, "backbone")));
	assert_true(json_is_null(json_object_get(view, "events")));
	json_decref(view);
	assert_int_equal(cli_describe_view(json_null(), s, NULL, NULL, &view), NC_ERR_INVAL);
	assert_null(view);
	json_decref(list);
	json_decref(dev);
	json_decref(s);
	json_decref(tun);
	json_decref(ev);
}

static void test_lines(void **state)
{
	json_t *dev = load(J_CONN), *s = load(J_SYNC), *tun = load(J_TUNNELS);
	json_t *ev = load(J_EVENTS);
	struct text t;

	(void)state;
	describe(dev, s, tun, ev, conn_lines, COUNT(conn_lines), &t);
	assert_true(t.split > 5);

	/* Nothing known beyond the device. */
	describe(dev, NULL, NULL, NULL, unknown_lines, COUNT(unknown_lines), &t);
	json_decref(dev);
	json_decref(s);
	json_decref(tun);
	json_decref(ev);
}

static void test_edge_and_empty(void **state)
{
	static const char *const mtge_lines[] = {
		"0||Kind:            mtge\n",	       "0||Last Seen:       never\n",
		"1||Sync (tenant alpha):\n",	       "1||Sync (tenant beta):\n",
		"1||  Sent:          nothing yet\n",   "1||  Confirmed:     never\n",
		"1||  Last Confirm:  none yet\n",      "1|unknown|Backbone:        unknown\n",
		"1||Tunnels:         none reported\n", "1||Events:          none recent\n",
	};
	json_t *edge = load("{\"serial\":\"MTGE-1\",\"name\":\"gw\",\"kind\":\"mtge\","
			    "\"tenant\":\"alpha\",\"last_seen\":null}");
	json_t *a = load("{\"tenant\":\"alpha\",\"state\":\"synced\",\"seq\":3,"
			 "\"config_hash\":\"aaaaaaaaaaaa\",\"confirmed_seq\":3,"
			 "\"confirmed_hash\":\"aaaaaaaaaaaa\",\"last_confirm\":null}");
	json_t *b = load("{\"tenant\":\"beta\",\"state\":\"pending\",\"seq\":0,"
			 "\"confirmed_seq\":0,\"last_confirm\":null}");
	json_t *sync = json_pack("{s:[o,o]}", "items", a, b);
	json_t *tun = load("{\"serial\":\"MTGE-1\",\"backbone\":\"unknown\",\"tunnels\":[]}");
	json_t *ev = load("{\"items\":[]}");
	struct text t;

	(void)state;
	describe(edge, sync, tun, ev, mtge_lines, COUNT(mtge_lines), &t);
	assert_null(strstr(t.buf, "Hub Edge"));
	assert_int_equal(cli_describe_lines(json_null(), NOW, collect, &t), NC_ERR_INVAL);
	json_decref(edge);
	json_decref(sync);
	json_decref(tun);
	json_decref(ev);
}

static void test_bytes(void **state)
{
	char buf[32];

	(void)state;
	cli_out_bytes(0, buf, sizeof(buf));
	assert_string_equal(buf, "0 B");
	cli_out_bytes(1023, buf, sizeof(buf));
	assert_string_equal(buf, "1023 B");
	cli_out_bytes(1024, buf, sizeof(buf));
	assert_string_equal(buf, "1.0 KiB");
	cli_out_bytes(5 * 1024 * 1024 + 512 * 1024, buf, sizeof(buf));
	assert_string_equal(buf, "5.5 MiB");
	cli_out_bytes(INT64_C(3) << 40, buf, sizeof(buf));
	assert_string_equal(buf, "3.0 TiB");
	cli_out_bytes(INT64_C(5000) << 40, buf, sizeof(buf));
	assert_string_equal(buf, "5000.0 TiB");
}

FX_MAIN("describe", test_view_json, test_lines, test_edge_and_empty, test_bytes)
