import type { Severity } from '../severity.js';

/**
 * NVIDIA Xid catalog as data (mnemonics only where NVIDIA's catalog names them). Sources: NVIDIA's Xid catalog for Ampere and newer (resolution
 * buckets "immediate -> investigatory"), and NVIDIA's older Xid table for the codes marked Unused on
 * Ampere+. class and action are kerntop's reading of them for an operator:
 *   application  - the process on the GPU did something wrong; the GPU is fine. Never drain for these.
 *   hardware     - the GPU, its board, bus, power or firmware needs attention.
 *   memory_ecc   - GPU memory errors (ECC, row remapping, retirement).
 *   nvlink       - NVLink / NVLink-C2C / NVSwitch fabric.
 *   gsp          - the GPU System Processor firmware.
 *   informational- driver bookkeeping or a consequence of another Xid.
 */
export const XID_CLASSES = ['application', 'hardware', 'memory_ecc', 'nvlink', 'gsp', 'informational'] as const;
export type XidClass = (typeof XID_CLASSES)[number];

/** What to do, from least to most disruptive. */
export const XID_ACTION_CODES = [
  'none',
  'watch',
  'follow_root_cause',
  'restart_app',
  'update_driver',
  'check_hardware',
  'reset_gpu',
  'drain_p2p',
  'drain_reset',
  'reboot_node',
  'contact_vendor',
] as const;
export type XidActionCode = (typeof XID_ACTION_CODES)[number];

/** The actions that take a GPU (or the node) out of service: what fleet views and alerts call drain/reset. */
export const DRAIN_OR_RESET_ACTIONS: readonly XidActionCode[] = ['drain_reset', 'drain_p2p', 'reset_gpu', 'reboot_node'];

export interface XidInfo {
  xid: number;
  /** NVIDIA's mnemonic where the catalog gives one. */
  mnemonic?: string;
  name: string;
  class: XidClass;
  severity: Severity;
  action: XidActionCode;
  /** The recommended action in words. */
  advice: string;
  /** NVIDIA's resolution bucket pair (immediate -> investigatory), where published. */
  nv_resolution?: string;
  /** Marked Unused on Ampere and newer; the meaning is from the older table. */
  legacy?: boolean;
}

export const ACTION_TEXT: Record<XidActionCode, string> = {
  none: 'no action needed',
  watch: 'watch the count; act if it keeps growing',
  follow_root_cause: 'follow the Xid that caused it',
  restart_app: 'restart the application; debug it if it recurs',
  update_driver: 'update the driver/firmware if it repeats',
  check_hardware: 'check power cables, cooling and PCIe seating',
  reset_gpu: 'stop the GPU\'s work and reset it (nvidia-smi -r)',
  drain_p2p: 'drain peer-to-peer (NVLink) work from the GPU',
  drain_reset: 'drain the GPU\'s work and reset it; RMA if it persists',
  reboot_node: 'drain and reboot the node',
  contact_vendor: 'contact the vendor (RMA candidate)',
};

type Row = [xid: number, mnemonic: string | undefined, name: string, cls: XidClass, severity: Severity, action: XidActionCode, advice: string | null, nv?: string, legacy?: boolean];

const APP = 'application' as const;
const HW = 'hardware' as const;
const ECC = 'memory_ecc' as const;
const NVL = 'nvlink' as const;
const GSP = 'gsp' as const;
const INFO = 'informational' as const;

const ROWS: Row[] = [
  [1, undefined, 'invalid or corrupted push buffer stream', APP, 'warning', 'restart_app', null, undefined, true],
  [2, undefined, 'invalid or corrupted push buffer stream', APP, 'warning', 'restart_app', null, undefined, true],
  [3, undefined, 'invalid or corrupted push buffer stream', APP, 'warning', 'restart_app', 'restart the application; if the data reads ffffffff the GPU may have fallen off the bus', undefined, true],
  [4, undefined, 'invalid or corrupted push buffer stream / GPU semaphore timeout', APP, 'warning', 'restart_app', null, undefined, true],
  [5, undefined, 'unused', INFO, 'info', 'none', null, undefined, true],
  [6, undefined, 'invalid or corrupted push buffer stream', APP, 'warning', 'restart_app', null, undefined, true],
  [7, undefined, 'invalid or corrupted push buffer address', APP, 'warning', 'restart_app', null, undefined, true],
  [8, 'ROBUST_CHANNEL_FIFO_ERROR_IDLE_TIMEOUT', 'GPU stopped processing (channel idle timeout)', APP, 'warning', 'restart_app', 'restart the application; check cooling and the PCIe link if it recurs', 'RESTART_APP -> CONTACT_SUPPORT'],
  [9, undefined, 'driver error programming the GPU', INFO, 'warning', 'update_driver', null, undefined, true],
  [10, undefined, 'unused', INFO, 'info', 'none', null, undefined, true],
  [11, undefined, 'invalid or corrupted push buffer stream', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CHECK_APP/CUDA'],
  [12, undefined, 'driver error handling a GPU exception', INFO, 'warning', 'update_driver', null, undefined, true],
  [13, 'ROBUST_CHANNEL_GR_EXCEPTION', 'graphics/SM engine exception', APP, 'warning', 'restart_app', 'restart the application and debug its kernels (illegal instruction, out-of-range access); if it repeats across applications, check the GPU', 'RESTART_APP -> WORKFLOW_XID_13'],
  [14, undefined, 'unused', INFO, 'info', 'none', null, undefined, true],
  [15, undefined, 'unused', INFO, 'info', 'none', null, undefined, true],
  [16, undefined, 'display engine hung', HW, 'warning', 'reset_gpu', null, undefined, true],
  [17, undefined, 'unused', INFO, 'info', 'none', null, undefined, true],
  [18, undefined, 'bus mastering disabled in PCI config space', HW, 'warning', 'check_hardware', null, undefined, true],
  [19, undefined, 'display engine error', HW, 'warning', 'watch', null, undefined, true],
  [20, undefined, 'invalid or corrupted MPEG push buffer', APP, 'warning', 'restart_app', null, undefined, true],
  [21, undefined, 'invalid or corrupted motion estimation push buffer', APP, 'warning', 'restart_app', null, undefined, true],
  [22, undefined, 'invalid or corrupted video processor push buffer', APP, 'warning', 'restart_app', null, undefined, true],
  [23, undefined, 'unused', INFO, 'info', 'none', null, undefined, true],
  [24, undefined, 'GPU semaphore timeout', APP, 'warning', 'restart_app', null, undefined, true],
  [25, undefined, 'invalid or illegal push buffer stream', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CHECK_APP/CUDA'],
  [26, undefined, 'framebuffer timeout', HW, 'warning', 'reset_gpu', null, undefined, true],
  [27, undefined, 'video processor exception', APP, 'warning', 'restart_app', null, undefined, true],
  [28, undefined, 'video processor exception', APP, 'warning', 'restart_app', null, undefined, true],
  [29, undefined, 'video processor exception', APP, 'warning', 'restart_app', null, undefined, true],
  [30, undefined, 'GPU semaphore access error', APP, 'warning', 'restart_app', null, undefined, true],
  [31, 'ROBUST_CHANNEL_FIFO_ERROR_MMU_ERR_FLT', 'GPU memory page fault (MMU fault)', APP, 'warning', 'restart_app', 'restart the application and look for memory bugs in it (driver regressions have also caused this)', 'RESTART_APP -> WORKFLOW_XID_31'],
  [32, 'ROBUST_CHANNEL_PBDMA_ERROR', 'invalid or corrupted push buffer stream (PBDMA error)', APP, 'warning', 'restart_app', 'restart the application; check the PCIe link and host memory if it recurs', 'RESTART_APP -> CHECK_APP/CUDA'],
  [33, undefined, 'internal micro-controller error', HW, 'warning', 'update_driver', null, undefined, true],
  [34, undefined, 'video processor exception', APP, 'warning', 'restart_app', null, undefined, true],
  [35, undefined, 'video processor exception', APP, 'warning', 'restart_app', null, undefined, true],
  [36, undefined, 'video processor exception', APP, 'warning', 'restart_app', null, undefined, true],
  [37, undefined, 'driver firmware error', INFO, 'warning', 'update_driver', null, undefined, true],
  [38, 'ROBUST_CHANNEL_FECS_ERR_WATCHDOG_TIMEOUT', 'driver firmware (FECS) watchdog timeout', INFO, 'info', 'update_driver', 'log it; update the driver if it repeats', 'IGNORE -> CONTACT_SUPPORT'],
  [39, undefined, 'copy engine CE0 exception', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [40, undefined, 'copy engine CE1 exception', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [41, undefined, 'copy engine CE2 exception', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [42, undefined, 'video processor exception', APP, 'warning', 'restart_app', null, undefined, true],
  [43, 'ROBUST_CHANNEL_RESETCHANNEL_VERIF_ERROR', 'GPU stopped processing (channel reset after a fault)', APP, 'info', 'none', 'none: it follows a fault of the application on that channel', 'IGNORE -> CONTACT_SUPPORT'],
  [44, undefined, 'graphics engine fault during context switch', INFO, 'warning', 'watch', 'watch; contact the vendor if it repeats', 'IGNORE -> CONTACT_SUPPORT'],
  [45, 'ROBUST_CHANNEL_PREEMPTIVE_REMOVAL', 'preemptive channel cleanup after earlier errors', INFO, 'info', 'follow_root_cause', 'follow the Xid that caused it; alone, restart the application (and Fabric Manager on NVSwitch systems)', 'WORKFLOW_XID_45'],
  [46, 'ROBUST_CHANNEL_GPU_TIMEOUT_ERROR', 'GPU stopped processing (GPU timeout)', HW, 'critical', 'reset_gpu', null, 'RESET_GPU -> CONTACT_SUPPORT'],
  [47, undefined, 'video processor exception', APP, 'warning', 'restart_app', null, undefined, true],
  [48, 'ROBUST_CHANNEL_GPU_ECC_DBE', 'double-bit (uncorrectable) ECC error', ECC, 'critical', 'drain_reset', 'drain the GPU\'s work and reset it so the row remap applies; RMA if it persists', 'WORKFLOW_XID_48'],
  [49, undefined, 'unused', INFO, 'info', 'none', null, undefined, true],
  [50, undefined, 'unused', INFO, 'info', 'none', null, undefined, true],
  [51, undefined, 'unused', INFO, 'info', 'none', null, undefined, true],
  [52, undefined, 'unused', INFO, 'info', 'none', null, undefined, true],
  [53, undefined, 'unused', INFO, 'info', 'none', null, undefined, true],
  [54, undefined, 'auxiliary power is not connected to the GPU board', HW, 'critical', 'check_hardware', 'connect the board\'s auxiliary power cables', 'CHECK_MECHANICALS'],
  [55, undefined, 'unused', INFO, 'info', 'none', null, undefined, true],
  [56, undefined, 'display engine error', HW, 'warning', 'watch', null, undefined, true],
  [57, undefined, 'error programming the video memory interface', HW, 'critical', 'contact_vendor', null, undefined, true],
  [58, undefined, 'unstable video memory interface detected', HW, 'critical', 'contact_vendor', null, undefined, true],
  [59, undefined, 'internal micro-controller error (older drivers)', HW, 'warning', 'update_driver', null, undefined, true],
  [60, undefined, 'video/security engine exception', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [61, 'PMU_BREAKPOINT', 'internal micro-controller breakpoint/warning', HW, 'warning', 'contact_vendor', 'contact the vendor if seen', 'CONTACT_SUPPORT', true],
  [62, 'PMU_HALT_ERROR', 'internal micro-controller halt', HW, 'critical', 'reset_gpu', 'reset the GPU; check cooling; RMA if it repeats', 'RESET_GPU -> CONTACT_SUPPORT'],
  [63, 'INFOROM_DRAM_RETIREMENT_EVENT', 'row remapping / page retirement recorded', ECC, 'warning', 'watch', 'schedule a GPU reset to apply the remap and watch the counts', 'IGNORE -> IGNORE'],
  [64, 'INFOROM_DRAM_RETIREMENT_FAILURE', 'row remapping / page retirement failure', ECC, 'critical', 'drain_reset', 'drain the GPU\'s work, reset it, and RMA it if it fails again', 'RESET_GPU -> CONTACT_SUPPORT'],
  [65, undefined, 'video processor exception', APP, 'warning', 'restart_app', null, undefined, true],
  [66, undefined, 'illegal access by driver', INFO, 'info', 'none', null, 'IGNORE'],
  [67, undefined, 'illegal access by driver', INFO, 'info', 'none', null, 'IGNORE'],
  [68, 'ROBUST_CHANNEL_NVDEC0_ERROR', 'video decoder (NVDEC0) exception', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [69, 'ROBUST_CHANNEL_GR_CLASS_ERROR', 'graphics engine class error', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CHECK_APP/CUDA'],
  [70, undefined, 'copy engine CE3 exception', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [71, undefined, 'copy engine CE4 exception', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [72, undefined, 'copy engine CE5 exception', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [73, undefined, 'video encoder (NVENC2) error', APP, 'warning', 'restart_app', null, undefined, true],
  [74, 'NVLINK_ERROR', 'NVLink error', NVL, 'critical', 'reset_gpu', 'decode the link and error bits; reset the GPU; check NVLink/NVSwitch; RMA if it repeats', 'WORKFLOW_NVLINK_ERR -> CONTACT_SUPPORT'],
  [75, undefined, 'copy engine CE6 exception', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [76, undefined, 'copy engine CE7 exception', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [77, undefined, 'copy engine CE8 exception', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [78, undefined, 'vGPU start error', INFO, 'warning', 'update_driver', 'update the host and guest driver/firmware to matching versions', 'UPDATE_SWFW'],
  [79, 'ROBUST_CHANNEL_GPU_HAS_FALLEN_OFF_THE_BUS', 'GPU has fallen off the bus', HW, 'critical', 'reboot_node', 'drain and reboot the node; check PCIe, power and cooling; RMA if it repeats', 'RESTART_BM -> CONTACT_SUPPORT'],
  [80, undefined, 'corrupted data sent to the GPU', APP, 'warning', 'restart_app', null, 'RESTART_APP'],
  [81, undefined, 'VGA subsystem error', HW, 'warning', 'watch', null, undefined, true],
  [82, undefined, 'JPEG engine (NVJPG0) error', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [83, undefined, 'video decoder (NVDEC1) error', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [84, undefined, 'video decoder (NVDEC2) error', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [85, undefined, 'copy engine CE9 exception', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [86, undefined, 'optical flow accelerator (OFA) exception', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [87, undefined, 'reserved', INFO, 'info', 'none', null, undefined, true],
  [88, undefined, 'video decoder (NVDEC3) error', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [89, undefined, 'video decoder (NVDEC4) error', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [90, undefined, 'reserved', INFO, 'info', 'none', null, undefined, true],
  [91, undefined, 'reserved', INFO, 'info', 'none', null, undefined, true],
  [92, 'EXCESSIVE_SBE_INTERRUPTS', 'high single-bit ECC error rate', ECC, 'warning', 'watch', 'watch the trend; RMA if it grows', 'IGNORE -> CONTACT_SUPPORT'],
  [93, undefined, 'InfoROM wear limit exceeded (non-fatal)', INFO, 'warning', 'watch', 'watch; contact the vendor if it repeats', 'IGNORE -> CONTACT_SUPPORT'],
  [94, 'ROBUST_CHANNEL_CONTAINED_ERROR', 'contained uncorrectable memory error', ECC, 'warning', 'restart_app', 'restart the affected application; reset the GPU when convenient to apply the row remap', 'RESTART_APP -> IGNORE'],
  [95, 'ROBUST_CHANNEL_UNCONTAINED_ERROR', 'uncontained uncorrectable memory error', ECC, 'critical', 'drain_reset', 'drain the GPU (every application on it is affected) and reset it', 'RESET_GPU -> IGNORE'],
  [96, undefined, 'video decoder (NVDEC5) error', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [97, undefined, 'video decoder (NVDEC6) error', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [98, undefined, 'video decoder (NVDEC7) error', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [99, undefined, 'JPEG engine (NVJPG1) error', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [100, undefined, 'JPEG engine (NVJPG2) error', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [101, undefined, 'JPEG engine (NVJPG3) error', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [102, undefined, 'JPEG engine (NVJPG4) error', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [103, undefined, 'JPEG engine (NVJPG5) error', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [104, undefined, 'JPEG engine (NVJPG6) error', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [105, undefined, 'JPEG engine (NVJPG7) error', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [106, undefined, 'SMBPBI test message', INFO, 'info', 'none', null, 'IGNORE'],
  [107, undefined, 'SMBPBI test message (silent)', INFO, 'info', 'none', null, 'IGNORE'],
  [108, undefined, 'NVLink remote translation error', NVL, 'info', 'watch', null, 'IGNORE'],
  [109, 'ROBUST_CHANNEL_CTXSW_TIMEOUT_ERROR', 'context switch timeout', HW, 'critical', 'reset_gpu', 'reset the GPU; check the application and cooling', 'RESET_GPU -> CONTACT_SUPPORT'],
  [110, 'SEC_FAULT_ERROR', 'security fault', HW, 'critical', 'reset_gpu', 'reset the GPU; investigate the driver/firmware', 'RESET_GPU -> INVESTIGATE_SW'],
  [111, undefined, 'display bundle error event', HW, 'warning', 'watch', null, undefined, true],
  [112, undefined, 'display supervisor error', HW, 'warning', 'watch', null, undefined, true],
  [113, undefined, 'DisplayPort link training error', HW, 'warning', 'check_hardware', null, undefined, true],
  [114, undefined, 'display pipeline underflow', HW, 'warning', 'watch', null, undefined, true],
  [115, undefined, 'display core channel error', HW, 'warning', 'watch', null, undefined, true],
  [116, undefined, 'display window channel error', HW, 'warning', 'watch', null, undefined, true],
  [117, undefined, 'display cursor channel error', HW, 'warning', 'watch', null, undefined, true],
  [118, undefined, 'display pixel pipeline error', HW, 'warning', 'watch', null, undefined, true],
  [119, 'GSP_RPC_TIMEOUT', 'GSP firmware RPC timeout', GSP, 'critical', 'reset_gpu', 'reset the GPU (often a node reboot in practice); update the driver', 'RESET_GPU -> INVESTIGATE_SW'],
  [120, 'GSP_ERROR', 'GSP firmware error', GSP, 'critical', 'reset_gpu', 'reset the GPU; update the driver', 'RESET_GPU -> INVESTIGATE_SW'],
  [121, 'C2C_ERROR', 'chip-to-chip (NVLink-C2C) link error', NVL, 'warning', 'watch', 'watch; contact the vendor if it repeats', 'IGNORE -> CONTACT_SUPPORT'],
  [122, 'SPI_PMU_RPC_READ_FAIL', 'SPI PMU RPC read failure', HW, 'warning', 'contact_vendor', null, 'CONTACT_SUPPORT', true],
  [123, 'SPI_PMU_RPC_WRITE_FAIL', 'SPI PMU RPC write failure', HW, 'warning', 'contact_vendor', null, 'CONTACT_SUPPORT', true],
  [124, undefined, 'SPI PMU RPC erase failure', HW, 'warning', 'contact_vendor', null, undefined, true],
  [125, undefined, 'InfoROM filesystem failure', HW, 'warning', 'contact_vendor', null, undefined, true],
  [126, undefined, 'copy engine CE10 exception', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [127, undefined, 'copy engine CE11 exception', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [128, undefined, 'copy engine CE12 exception', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [129, undefined, 'copy engine CE13 exception', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [130, undefined, 'copy engine CE14 exception', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [131, undefined, 'copy engine CE15 exception', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [132, undefined, 'copy engine CE16 exception', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [133, undefined, 'copy engine CE17 exception', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [134, undefined, 'copy engine CE18 exception', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [135, undefined, 'copy engine CE19 exception', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [136, 'ALI_TRAINING_FAIL', 'NVLink link training failed', NVL, 'critical', 'reset_gpu', 'reset the GPU; check the link\'s signal integrity and cables', 'RESET_GPU -> INVESTIGATE_LINK_SI'],
  [137, 'NVLINK_PRIV_ERR', 'NVLink (FLA) privilege error', APP, 'warning', 'restart_app', 'check the application\'s fabric memory use', 'IGNORE -> XID_137_FLOW'],
  [138, undefined, 'reserved', INFO, 'info', 'none', null, undefined, true],
  [139, undefined, 'optical flow accelerator (OFA1) exception', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [140, 'UNRECOVERABLE_ECC_ERROR_ESCAPE', 'unrecovered ECC error', ECC, 'critical', 'drain_reset', 'drain the GPU\'s work and reset it; RMA if it repeats', 'RESET_GPU -> CONTACT_SUPPORT'],
  [141, undefined, 'reserved', INFO, 'info', 'none', null, undefined, true],
  [142, undefined, 'video encoder (NVENC3) error', APP, 'warning', 'restart_app', null, 'RESTART_APP -> CONTACT_SUPPORT'],
  [143, 'GPU_INIT_ERROR', 'GPU initialization failure', HW, 'critical', 'reset_gpu', 'reset the GPU or reboot; RMA if it persists', 'RESET_GPU -> CONTACT_SUPPORT'],
  [144, 'NVLINK_SAW_ERROR', 'NVLink5 SAW unit error', NVL, 'warning', 'watch', null, 'WORKFLOW_NVLINK5_ERR'],
  [145, 'NVLINK_RLW_ERROR', 'NVLink5 RLW unit error', NVL, 'warning', 'watch', null, 'WORKFLOW_NVLINK5_ERR'],
  [146, 'NVLINK_TLW_ERROR', 'NVLink5 TLW unit error', NVL, 'warning', 'watch', null, 'WORKFLOW_NVLINK5_ERR'],
  [147, 'NVLINK_TREX_ERROR', 'NVLink5 TREX unit error', NVL, 'warning', 'watch', null, 'WORKFLOW_NVLINK5_ERR'],
  [148, 'NVLINK_NVLPW_CTRL_ERROR', 'NVLink5 NVLPW control error', NVL, 'warning', 'watch', null, 'WORKFLOW_NVLINK5_ERR'],
  [149, 'NVLINK_NETIR_ERROR', 'NVLink5 NETIR error (link down, BER, MFDE events)', NVL, 'warning', 'watch', null, 'WORKFLOW_NVLINK5_ERR'],
  [150, 'NVLINK_MSE_ERROR', 'NVLink5 MSE watchdog', NVL, 'critical', 'reset_gpu', 'reset the GPU; contact the vendor if it repeats', 'RESET_GPU -> CONTACT_SUPPORT'],
  [151, 'ROBUST_CHANNEL_KEY_ROTATION_ERROR', 'confidential-computing key rotation error', HW, 'critical', 'reboot_node', 'restart the VM', 'RESTART_VM -> CONTACT_SUPPORT'],
  [152, undefined, 'DLA (deep learning accelerator) error', INFO, 'info', 'none', null, 'IGNORE'],
  [153, undefined, 'DLA (deep learning accelerator) error', INFO, 'info', 'none', null, 'IGNORE'],
  [154, 'GPU_RECOVERY_ACTION_CHANGED', 'GPU recovery action changed', INFO, 'warning', 'follow_root_cause', 'apply the recovery action the driver names', 'XID_154'],
  [155, 'NVLINK_SW_DEFINED_ERROR', 'NVLink software-defined error', NVL, 'critical', 'reset_gpu', 'reset the GPU; check software and fabric configuration', 'RESET_GPU -> INVESTIGATE_SW_USER'],
  [156, 'RESOURCE_RETIREMENT_EVENT', 'resource retirement event', HW, 'warning', 'reset_gpu', 'reset the GPU when convenient to apply the retirement', 'RESET_GPU -> IGNORE'],
  [157, 'RESOURCE_RETIREMENT_FAILURE', 'resource retirement failure', HW, 'critical', 'contact_vendor', null, 'IGNORE -> CONTACT_SUPPORT'],
  [158, 'GPU_FATAL_TIMEOUT', 'GPU fatal timeout', HW, 'critical', 'reset_gpu', null, 'RESET_GPU -> CONTACT_SUPPORT'],
  [159, 'ROBUST_CHANNEL_CHI_NON_DATA_ERROR', 'CHI non-data error', APP, 'warning', 'restart_app', 'check the application\'s unified memory (UVM) use', 'CHECK_UVM -> SYMPATHETIC_REPORT_SOLO'],
  [160, undefined, 'channel retirement event', INFO, 'info', 'none', null, 'IGNORE -> INVESTIGATE_SW'],
  [161, undefined, 'channel retirement failure', INFO, 'warning', 'update_driver', null, 'IGNORE -> INVESTIGATE_SW'],
  [162, undefined, 'power smoothing circuitry re-engaged', INFO, 'info', 'none', null],
  [163, undefined, 'power smoothing circuitry disengaged', INFO, 'info', 'watch', null],
  [164, undefined, 'power smoothing circuitry lifetime low', HW, 'warning', 'watch', 'plan a replacement with the vendor'],
  [165, undefined, 'power smoothing circuitry lifetime exhausted', HW, 'warning', 'contact_vendor', null],
  [166, undefined, 'NVLink confidential-computing traffic before encryption was configured', NVL, 'warning', 'update_driver', null],
  [167, undefined, 'PCIe fatal timeout', HW, 'critical', 'reboot_node', 'drain and reboot the node; check the PCIe link', undefined],
  [168, undefined, 'reduced GPU memory capacity (errors in WPR)', ECC, 'critical', 'drain_reset', null],
  [169, undefined, 'SEC2 halt', HW, 'critical', 'reset_gpu', null],
  [170, undefined, 'NVLink secure interrupt in confidential-computing mode', NVL, 'warning', 'watch', null],
  [171, undefined, 'uncorrectable DRAM error (detail of Xid 48)', ECC, 'critical', 'drain_reset', null],
  [172, undefined, 'uncorrectable SRAM error (detail of Xid 48)', ECC, 'critical', 'drain_reset', null],
];

export const XID_CATALOG: ReadonlyMap<number, XidInfo> = new Map(
  ROWS.map(([xid, mnemonic, name, cls, severity, action, advice, nv, legacy]) => {
    const info: XidInfo = { xid, name, class: cls, severity, action, advice: advice ?? ACTION_TEXT[action] };
    if (mnemonic) info.mnemonic = mnemonic;
    if (nv) info.nv_resolution = nv;
    if (legacy) info.legacy = true;
    return [xid, info] as const;
  }),
);

/** The row for a code; codes newer than the table get a cautious default rather than nothing. */
export function xidInfo(xid: number): XidInfo {
  return (
    XID_CATALOG.get(xid) ?? {
      xid,
      name: `Xid ${xid} (not in kerntop's catalog)`,
      class: 'hardware',
      severity: 'warning',
      action: 'watch',
      advice: 'look the code up in NVIDIA\'s Xid catalog for this driver version',
    }
  );
}

/** NVML's recovery actions, as Xid 154 names them ("to 0x4 (Drain and Reset)"). */
export const RECOVERY_ACTIONS: Record<number, { name: string; severity: Severity; action: XidActionCode }> = {
  0: { name: 'None', severity: 'info', action: 'none' },
  1: { name: 'GPU Reset', severity: 'critical', action: 'reset_gpu' },
  2: { name: 'Node Reboot', severity: 'critical', action: 'reboot_node' },
  3: { name: 'Drain P2P', severity: 'warning', action: 'drain_p2p' },
  4: { name: 'Drain and Reset', severity: 'critical', action: 'drain_reset' },
  5: { name: 'GPU Reset (bus)', severity: 'critical', action: 'reset_gpu' },
};
