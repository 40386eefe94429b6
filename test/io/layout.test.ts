/** Every offset src/io names, held against gcc's offsetof over Xen's headers. */
import { expect, it } from "vitest";
import {
  BLKIF_REQUEST_BYTES, BLKIF_REQUEST_OFFSET, BLKIF_RESPONSE_BYTES, BLKIF_RESPONSE_OFFSET, BLKIF_SEGMENT_BYTES,
  BLKIF_ENTRY_BYTES, EVTCHN_PORTS, GRANT_ENTRY_BYTES, GTF, RING_HEADER_BYTES, RING_OFFSET, SHARED_INFO, ringSize,
} from "../../src/io";
import { runXenring } from "./xen-peer";

it("lays out the ring page, blkif entries, grant entries and shared info exactly as Xen's headers do", () => {
  const xen = Object.fromEntries(runXenring(["layout"]).trim().split("\n").map((l) => l.split("=")).map(([k, v]) => [k, Number(v)]));
  const ours: Record<string, number> = {
    "sring.req_prod": RING_OFFSET.REQ_PROD, "sring.req_event": RING_OFFSET.REQ_EVENT,
    "sring.rsp_prod": RING_OFFSET.RSP_PROD, "sring.rsp_event": RING_OFFSET.RSP_EVENT,
    "sring.pvt": RING_OFFSET.PVT, "sring.__pad": RING_OFFSET.PAD, "sring.ring": RING_HEADER_BYTES,
    ring_size: ringSize(BLKIF_ENTRY_BYTES),
    blkif_request: BLKIF_REQUEST_BYTES, "blkif_request.operation": BLKIF_REQUEST_OFFSET.OPERATION,
    "blkif_request.nr_segments": BLKIF_REQUEST_OFFSET.NR_SEGMENTS, "blkif_request.handle": BLKIF_REQUEST_OFFSET.HANDLE,
    "blkif_request.id": BLKIF_REQUEST_OFFSET.ID, "blkif_request.sector_number": BLKIF_REQUEST_OFFSET.SECTOR,
    "blkif_request.seg": BLKIF_REQUEST_OFFSET.SEG, blkif_request_segment: BLKIF_SEGMENT_BYTES,
    blkif_response: BLKIF_RESPONSE_BYTES, "blkif_response.id": BLKIF_RESPONSE_OFFSET.ID,
    "blkif_response.operation": BLKIF_RESPONSE_OFFSET.OPERATION, "blkif_response.status": BLKIF_RESPONSE_OFFSET.STATUS,
    grant_entry_v1: GRANT_ENTRY_BYTES, "grant_entry_v1.flags": 0, "grant_entry_v1.domid": 2, "grant_entry_v1.frame": 4,
    GTF_permit_access: GTF.permit_access, GTF_readonly: GTF.readonly, GTF_reading: GTF.reading, GTF_writing: GTF.writing,
    vcpu_info: SHARED_INFO.VCPU_INFO_BYTES, "vcpu_info.evtchn_upcall_pending": SHARED_INFO.UPCALL_PENDING,
    "vcpu_info.evtchn_pending_sel": SHARED_INFO.PENDING_SEL, "shared_info.evtchn_pending": SHARED_INFO.EVTCHN_PENDING,
    "shared_info.evtchn_mask": SHARED_INFO.EVTCHN_MASK, evtchn_ports: EVTCHN_PORTS,
  };
  expect(ours).toEqual(xen);
});
