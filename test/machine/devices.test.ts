import { describe, expect, it } from "vitest";
import { COSTS } from "../../src/machine/costs";
import { CAUSE } from "../../src/machine/isa";
import { DISK_STATUS, SECTOR_SIZE } from "../../src/machine/devices/disk";
import { NIC_STATUS } from "../../src/machine/devices/nic";
import { load, run } from "./helpers";

describe("the console", () => {
  it("prints each byte stored at CONSOLE_TX (0xFFFF0000), by sb or sw, and streams it", () => {
    const streamed: string[] = [];
    const r = run(`
        li   t0, 0xffff0000
        la   a1, text
next:   lbu  a2, 0(a1)
        beqz a2, done
        sb   a2, 0(t0)
        addi a1, a1, 1
        j    next
done:   li   a2, '!'
        sw   a2, 0(t0)
        halt
text:   .byte 'h', 0xc3, 0xa9, 'l', 'l', 'o', 10, 0   # UTF-8`, { onConsole: (s) => streamed.push(s) });
    expect(r.machine.console.output).toBe("héllo\n!");
    expect(streamed.join("")).toBe("héllo\n!");
    expect(r.result.stats.devices.consoleBytes).toBe(8);
    expect(r.result.stats.devices.mmioAccesses).toBe(8);
  });

  it("reads queued input from RX and raises CONSOLE when enabled", () => {
    const m = load(`
        la   t0, got
        csrw TVEC, t0
        li   t0, 0xffff0000
        li   t1, 1
        sw   t1, 12(t0)         # CTRL: interrupt on input
        popf t1                 # IE = 1
        wfi
        halt
got:    csrr a3, CAUSE
        lw   a0, 4(t0)          # RX
        lw   a1, 4(t0)
        lw   a2, 4(t0)          # nothing left: 0xffffffff
        halt`);
    // Nothing queued and no timer: wfi can never wake.
    expect(m.run({ maxCycles: 1000 }).reason).toBe("deadlock");
    m.console.input("hi");
    const r = m.run({ maxCycles: 1000 });
    expect(r.reason).toBe("halted");
    expect([m.regs[4], m.regs[1], m.regs[2], m.regs[3]]).toEqual([CAUSE.CONSOLE, 104, 105, -1]);
  });
});

function diskImage(): Uint8Array {
  const image = new Uint8Array(4 * SECTOR_SIZE);
  for (let i = 0; i < image.length; i++) image[i] = (i * 7) & 0xff;
  image.set(new TextEncoder().encode("sector two"), 2 * SECTOR_SIZE);
  return image;
}

describe("the block disk with DMA", () => {
  const readTwo = `
        la   t0, done
        csrw TVEC, t0
        li   t0, 0xffff1000
        li   t1, 2
        sw   t1, 0(t0)          # SECTOR 2
        li   t1, 0x8000
        sw   t1, 4(t0)          # DMA to 0x8000
        li   t1, 2
        sw   t1, 8(t0)          # COUNT 2
        li   t1, 1
        popf t1                 # IE = 1
        csrr s0, CYCLE
        sw   t1, 12(t0)         # COMMAND READ
        lw   s1, 16(t0)         # STATUS: busy
        wfi
        halt
done:   csrr a3, CAUSE
        csrr s2, CYCLE
        lw   a0, 16(t0)         # STATUS: done
        lw   a1, 20(t0)         # SECTORS
        halt`;

  it("reads sectors into memory by DMA and raises DISK after its latency", () => {
    const r = run(readTwo, { disk: diskImage() });
    const m = r.machine;
    expect(r.result.reason).toBe("halted");
    expect(new TextDecoder().decode(m.readBytes(0x8000, 10))).toBe("sector two");
    expect(m.readBytes(0x8000 + SECTOR_SIZE, SECTOR_SIZE)).toEqual(diskImage().subarray(3 * SECTOR_SIZE));
    expect([m.regs[4], m.regs[1], m.regs[2], m.regs[11]]).toEqual([CAUSE.DISK, DISK_STATUS.DONE, 4, DISK_STATUS.BUSY]);
    const took = m.regs[12] - m.regs[10];
    expect(took).toBeGreaterThanOrEqual(COSTS.diskLatency + 2 * COSTS.diskSectorTransfer);
    expect(r.result.stats.devices).toMatchObject({ diskRequests: 1, diskSectors: 2 });
    expect(r.result.stats.idleCycles).toBeGreaterThan(COSTS.diskLatency);
  });

  it("writes memory to the disk", () => {
    const r = run(readTwo.replace("li   t1, 1\n        popf t1", "li   t1, 1\n        popf t1\n        li   t1, 2").replace("# COMMAND READ", "# COMMAND WRITE"), { disk: diskImage() });
    const m = r.machine;
    m.writeBytes(0, new Uint8Array(0)); // (host access works while stopped)
    expect(r.result.reason).toBe("halted");
    expect(m.disk.data.subarray(2 * SECTOR_SIZE, 3 * SECTOR_SIZE)).toEqual(m.readBytes(0x8000, SECTOR_SIZE));
  });

  it("a request past the end of the disk sets ERROR and raises DISK at once", () => {
    const r = run(readTwo.replace("li   t1, 2\n        sw   t1, 0(t0)", "li   t1, 3\n        sw   t1, 0(t0)"), { disk: diskImage() });
    expect(r.result.reason).toBe("halted");
    expect(r.machine.regs[1]).toBe(DISK_STATUS.ERROR);
    expect(r.result.stats.devices.diskRequests).toBe(0);
  });
});

describe("the NIC", () => {
  it("transmits a frame from memory by DMA and raises NET when it is on the wire", () => {
    const frames: Uint8Array[] = [];
    const m = load(`
        la   t0, sent
        csrw TVEC, t0
        li   t0, 0xffff2000
        la   t1, frame
        sw   t1, 0(t0)          # TX_ADDR
        li   t1, 5
        sw   t1, 4(t0)          # TX_LEN
        li   t1, 1
        popf t1
        sw   t1, 8(t0)          # TX_CMD
        wfi
        halt
sent:   csrr a3, CAUSE
        lw   a0, 28(t0)         # STATUS
        halt
frame:  .ascii "ping!"`);
    m.nic.onTransmit = (f) => frames.push(f);
    const r = m.run({ maxCycles: 10_000 });
    expect(r.reason).toBe("halted");
    expect(frames.map((f) => new TextDecoder().decode(f))).toEqual(["ping!"]);
    expect(m.nic.sent).toHaveLength(1);
    expect(m.regs[4]).toBe(CAUSE.NET);
    expect(m.regs[1] & NIC_STATUS.TX_DONE).toBe(NIC_STATUS.TX_DONE);
    expect(r.stats.devices).toMatchObject({ nicFramesSent: 1, nicBytes: 5 });
  });

  it("receives an injected frame into an armed buffer and raises NET", () => {
    const m = load(`
        la   t0, got
        csrw TVEC, t0
        li   t0, 0xffff2000
        li   t1, 0x9000
        sw   t1, 12(t0)         # RX_ADDR
        li   t1, 4
        sw   t1, 16(t0)         # RX_CAP: 4 bytes
        li   t1, 1
        popf t1
        sw   t1, 20(t0)         # RX_CMD: arm
        wfi
        halt
got:    csrr a3, CAUSE
        lw   a0, 24(t0)         # RX_LEN
        lw   a1, 28(t0)         # STATUS
        halt`);
    m.nic.inject(new TextEncoder().encode("hello"));
    const r = m.run({ maxCycles: 10_000 });
    expect(r.reason).toBe("halted");
    expect(new TextDecoder().decode(m.readBytes(0x9000, 5))).toBe("hell\0");
    expect([m.regs[4], m.regs[1]]).toEqual([CAUSE.NET, 5]);
    expect(m.regs[2] & (NIC_STATUS.RX_DONE | NIC_STATUS.RX_ARMED)).toBe(NIC_STATUS.RX_DONE);
    expect(r.stats.devices.nicFramesReceived).toBe(1);
  });

  it("an armed NIC with nothing to receive cannot wake wfi: deadlock", () => {
    const r = run(`
        li   t0, 0xffff2000
        li   t1, 1
        sw   t1, 20(t0)
        popf t1
        wfi`);
    expect(r.result.reason).toBe("deadlock");
  });
});
