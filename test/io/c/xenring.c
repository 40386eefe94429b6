/*
 * Xen's own ring macros (/usr/include/xen/io/ring.h, io/blkif.h) on a
 * shared page, the peer test/io/against-xen.test.ts holds src/io against.
 *
 *   xenring script START          run the ops on stdin ("F n", "B n", "FC",
 *                                 "BC") with both ends in this process on a
 *                                 ring whose indices start at START; print
 *                                 every request, response and notify
 *                                 decision; then the page in hex
 *   xenring decode PAGE START N   print the N requests at START..START+N-1
 *                                 of the ring page in file PAGE
 *   xenring front PAGE START N    act as a blkfront: initialise the ring in
 *                                 file PAGE at START, push N requests
 *                                 (lines "op sector gref first last" on
 *                                 stdin), print the notify decision
 *   xenring responses PAGE START N  consume N responses from PAGE, print them
 *   xenring layout                the offsets and sizes of the shared structures
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define mb() __sync_synchronize()
#define rmb() __sync_synchronize()
#define wmb() __sync_synchronize()
#include <xen/io/ring.h>
#include <xen/grant_table.h>
#include <xen/io/blkif.h>
#include <xen/xen.h>
#include <stddef.h>

static unsigned char page[4096] __attribute__((aligned(4096)));

static void fill_request(blkif_request_t *r, RING_IDX idx) {
    memset(r, 0, sizeof *r);
    r->operation = idx % 4;
    r->nr_segments = idx % 12;
    r->handle = idx & 0xffff;
    r->id = ((uint64_t)idx << 32) | (idx ^ 0xdeadbeefu);
    r->sector_number = (uint64_t)idx * 8 + (1ull << 40);
    for (int i = 0; i < r->nr_segments; i++) {
        r->seg[i].gref = idx + i;
        r->seg[i].first_sect = i % 8;
        r->seg[i].last_sect = 7;
    }
}

static void print_request(RING_IDX idx, const blkif_request_t *r) {
    printf("req %u op=%u nr=%u handle=%u id=%llu sector=%llu", idx, r->operation, r->nr_segments, r->handle,
           (unsigned long long)r->id, (unsigned long long)r->sector_number);
    for (int i = 0; i < r->nr_segments && i < BLKIF_MAX_SEGMENTS_PER_REQUEST; i++)
        printf(" %u:%u-%u", r->seg[i].gref, r->seg[i].first_sect, r->seg[i].last_sect);
    printf("\n");
}

static void print_response(RING_IDX idx, const blkif_response_t *r) {
    printf("rsp %u id=%llu op=%u status=%d\n", idx, (unsigned long long)r->id, r->operation, r->status);
}

static void attach(blkif_sring_t *s, RING_IDX start, int init) {
    if (init) {
        SHARED_RING_INIT(s);
        s->req_prod = s->rsp_prod = start;
        s->req_event = s->rsp_event = start + 1;
    }
}

static int script(RING_IDX start) {
    blkif_sring_t *s = (blkif_sring_t *)page;
    blkif_front_ring_t front;
    blkif_back_ring_t back;
    attach(s, start, 1);
    FRONT_RING_ATTACH(&front, s, start, sizeof page);
    BACK_RING_ATTACH(&back, s, start, sizeof page);
    char op[8];
    unsigned n;
    while (scanf("%7s", op) == 1) {
        int flag;
        if (strcmp(op, "F") == 0 && scanf("%u", &n) == 1) {
            for (unsigned k = 0; k < n && !RING_FULL(&front); k++) {
                fill_request(RING_GET_REQUEST(&front, front.req_prod_pvt), front.req_prod_pvt);
                front.req_prod_pvt++;
            }
            RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&front, flag);
            printf("F req_prod=%u notify=%d\n", s->req_prod, flag);
        } else if (strcmp(op, "B") == 0 && scanf("%u", &n) == 1) {
            for (unsigned k = 0; k < n && RING_HAS_UNCONSUMED_REQUESTS(&back); k++) {
                blkif_request_t req;
                RING_COPY_REQUEST(&back, back.req_cons, &req);
                print_request(back.req_cons, &req);
                back.req_cons++;
                blkif_response_t *rsp = RING_GET_RESPONSE(&back, back.rsp_prod_pvt);
                memset(rsp, 0, sizeof *rsp);
                rsp->id = req.id;
                rsp->operation = req.operation;
                rsp->status = (int16_t)(back.rsp_prod_pvt % 3) - 2;
                back.rsp_prod_pvt++;
            }
            RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&back, flag);
            printf("B rsp_prod=%u notify=%d\n", s->rsp_prod, flag);
        } else if (strcmp(op, "FC") == 0) {
            while (RING_HAS_UNCONSUMED_RESPONSES(&front)) {
                blkif_response_t rsp;
                RING_COPY_RESPONSE(&front, front.rsp_cons, &rsp);
                print_response(front.rsp_cons, &rsp);
                front.rsp_cons++;
            }
            RING_FINAL_CHECK_FOR_RESPONSES(&front, flag);
            printf("FC rsp_event=%u work=%d\n", s->rsp_event, flag != 0);
        } else if (strcmp(op, "BC") == 0) {
            RING_FINAL_CHECK_FOR_REQUESTS(&back, flag);
            printf("BC req_event=%u work=%d\n", s->req_event, flag != 0);
        } else {
            fprintf(stderr, "xenring: bad op %s\n", op);
            return 2;
        }
    }
    for (size_t i = 0; i < sizeof page; i++) printf("%02x%s", page[i], (i % 32) == 31 ? "\n" : "");
    return 0;
}

static int load(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f || fread(page, 1, sizeof page, f) != sizeof page) { fprintf(stderr, "xenring: cannot read %s\n", path); return 0; }
    fclose(f);
    return 1;
}

static int save(const char *path) {
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(page, 1, sizeof page, f) != sizeof page) { fprintf(stderr, "xenring: cannot write %s\n", path); return 0; }
    fclose(f);
    return 1;
}

static int layout(void) {
#define SHOW(name, value) printf("%s=%zu\n", name, (size_t)(value))
    SHOW("sring.req_prod", offsetof(blkif_sring_t, req_prod));
    SHOW("sring.req_event", offsetof(blkif_sring_t, req_event));
    SHOW("sring.rsp_prod", offsetof(blkif_sring_t, rsp_prod));
    SHOW("sring.rsp_event", offsetof(blkif_sring_t, rsp_event));
    SHOW("sring.pvt", offsetof(blkif_sring_t, pvt));
    SHOW("sring.__pad", offsetof(blkif_sring_t, __pad));
    SHOW("sring.ring", offsetof(blkif_sring_t, ring));
    SHOW("ring_size", __CONST_RING_SIZE(blkif, 4096));
    SHOW("blkif_request", sizeof(blkif_request_t));
    SHOW("blkif_request.operation", offsetof(blkif_request_t, operation));
    SHOW("blkif_request.nr_segments", offsetof(blkif_request_t, nr_segments));
    SHOW("blkif_request.handle", offsetof(blkif_request_t, handle));
    SHOW("blkif_request.id", offsetof(blkif_request_t, id));
    SHOW("blkif_request.sector_number", offsetof(blkif_request_t, sector_number));
    SHOW("blkif_request.seg", offsetof(blkif_request_t, seg));
    SHOW("blkif_request_segment", sizeof(struct blkif_request_segment));
    SHOW("blkif_response", sizeof(blkif_response_t));
    SHOW("blkif_response.id", offsetof(blkif_response_t, id));
    SHOW("blkif_response.operation", offsetof(blkif_response_t, operation));
    SHOW("blkif_response.status", offsetof(blkif_response_t, status));
    SHOW("grant_entry_v1", sizeof(grant_entry_v1_t));
    SHOW("grant_entry_v1.flags", offsetof(grant_entry_v1_t, flags));
    SHOW("grant_entry_v1.domid", offsetof(grant_entry_v1_t, domid));
    SHOW("grant_entry_v1.frame", offsetof(grant_entry_v1_t, frame));
    SHOW("GTF_permit_access", GTF_permit_access);
    SHOW("GTF_readonly", GTF_readonly);
    SHOW("GTF_reading", GTF_reading);
    SHOW("GTF_writing", GTF_writing);
    SHOW("vcpu_info", sizeof(struct vcpu_info));
    SHOW("vcpu_info.evtchn_upcall_pending", offsetof(struct vcpu_info, evtchn_upcall_pending));
    SHOW("vcpu_info.evtchn_pending_sel", offsetof(struct vcpu_info, evtchn_pending_sel));
    SHOW("shared_info.evtchn_pending", offsetof(struct shared_info, evtchn_pending));
    SHOW("shared_info.evtchn_mask", offsetof(struct shared_info, evtchn_mask));
    SHOW("evtchn_ports", sizeof(((struct shared_info *)0)->evtchn_pending) * 8);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "layout") == 0) return layout();
    if (argc == 3 && strcmp(argv[1], "script") == 0) return script((RING_IDX)strtoul(argv[2], 0, 0));
    if (argc != 5) { fprintf(stderr, "usage: see the comment at the top of xenring.c\n"); return 2; }
    const char *path = argv[2];
    RING_IDX start = (RING_IDX)strtoul(argv[3], 0, 0);
    unsigned n = (unsigned)strtoul(argv[4], 0, 0);
    blkif_sring_t *s = (blkif_sring_t *)page;
    if (strcmp(argv[1], "decode") == 0) {
        if (!load(path)) return 1;
        blkif_back_ring_t back;
        BACK_RING_ATTACH(&back, s, start, sizeof page);
        printf("size=%u req_prod=%u\n", RING_SIZE(&back), s->req_prod);
        for (unsigned k = 0; k < n; k++) {
            blkif_request_t req;
            RING_COPY_REQUEST(&back, back.req_cons, &req);
            print_request(back.req_cons, &req);
            back.req_cons++;
        }
        return 0;
    }
    if (strcmp(argv[1], "front") == 0) {
        blkif_front_ring_t front;
        memset(page, 0xa5, sizeof page);
        attach(s, start, 1);
        FRONT_RING_ATTACH(&front, s, start, sizeof page);
        for (unsigned k = 0; k < n; k++) {
            unsigned op, gref, first, last;
            unsigned long long sector;
            if (scanf("%u %llu %u %u %u", &op, &sector, &gref, &first, &last) != 5) { fprintf(stderr, "xenring: bad request line\n"); return 2; }
            blkif_request_t *r = RING_GET_REQUEST(&front, front.req_prod_pvt);
            memset(r, 0, sizeof *r);
            r->operation = op;
            r->nr_segments = (op == BLKIF_OP_FLUSH_DISKCACHE) ? 0 : 1;
            r->id = 1000 + front.req_prod_pvt;
            r->sector_number = sector;
            r->seg[0].gref = gref;
            r->seg[0].first_sect = first;
            r->seg[0].last_sect = last;
            front.req_prod_pvt++;
        }
        int notify;
        RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&front, notify);
        printf("notify=%d\n", notify);
        return save(path) ? 0 : 1;
    }
    if (strcmp(argv[1], "responses") == 0) {
        if (!load(path)) return 1;
        blkif_front_ring_t front;
        FRONT_RING_ATTACH(&front, s, start, sizeof page);
        if (RING_RESPONSE_PROD_OVERFLOW(&front, s->rsp_prod)) { printf("overflow\n"); return 1; }
        for (unsigned k = 0; k < n && RING_HAS_UNCONSUMED_RESPONSES(&front); k++) {
            blkif_response_t rsp;
            RING_COPY_RESPONSE(&front, front.rsp_cons, &rsp);
            print_response(front.rsp_cons, &rsp);
            front.rsp_cons++;
        }
        return 0;
    }
    fprintf(stderr, "xenring: unknown mode %s\n", argv[1]);
    return 2;
}
