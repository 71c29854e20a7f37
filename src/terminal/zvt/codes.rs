//! Names and texts (zh-CN, en) of the codes a terminal reports: result codes (BMP 27 and
//! Abort 06 1E, PA00P015 chapter 10), intermediate status (04 FF) and the terminal status of
//! a Status-Enquiry Completion (05 01, chapter 11). Unknown codes get a text naming the hex
//! code.

use crate::config::Language;

struct Code {
    code: u8,
    name: &'static str,
    en: &'static str,
    zh: &'static str,
}

const fn c(code: u8, name: &'static str, en: &'static str, zh: &'static str) -> Code {
    Code { code, name, en, zh }
}

/// Result codes 64..FF. Codes 01..63 are the issuer's or host's own response codes, passed
/// through; they are handled in `result_entry`.
const RESULTS: &[Code] = &[
    c(0x00, "success", "Success", "交易成功"),
    c(0x64, "card_not_readable", "Card not readable", "无法读卡"),
    c(
        0x65,
        "card_data_missing",
        "Card data not present (no track or chip found)",
        "未读到卡数据（无磁条或芯片）",
    ),
    c(0x66, "processing_error", "Processing error", "处理错误"),
    c(
        0x67,
        "not_permitted_for_debit_cards",
        "Function not permitted for ec and Maestro cards",
        "借记卡（ec/Maestro）不支持此功能",
    ),
    c(
        0x68,
        "not_permitted_for_credit_cards",
        "Function not permitted for credit and fuel cards",
        "信用卡及加油卡不支持此功能",
    ),
    c(0x6A, "turnover_file_full", "Turnover file full", "交易记录已满"),
    c(
        0x6B,
        "function_deactivated",
        "Function deactivated (terminal not registered)",
        "功能未启用（终端未登记）",
    ),
    c(0x6C, "aborted", "Aborted (timeout or abort key)", "交易已取消"),
    c(0x6E, "card_blocked", "Card on the blocked list", "卡片已被列入黑名单"),
    c(0x6F, "wrong_currency", "Wrong currency", "币种错误"),
    c(
        0x71,
        "insufficient_funds",
        "Credit not sufficient (chip card)",
        "余额不足（芯片卡）",
    ),
    c(0x72, "chip_error", "Chip error", "芯片错误"),
    c(0x73, "card_data_incorrect", "Card data incorrect", "卡数据错误"),
    c(0x74, "dukpt_exhausted", "DUKPT engine exhausted", "DUKPT 密钥已用尽"),
    c(0x75, "text_not_authentic", "Text not authentic", "文本校验失败"),
    c(0x76, "pan_not_whitelisted", "PAN not in white list", "卡号不在白名单中"),
    c(0x77, "end_of_day_not_possible", "End-of-day not possible", "无法结算"),
    c(0x78, "card_expired", "Card expired", "卡片已过期"),
    c(0x79, "card_not_yet_valid", "Card not yet valid", "卡片尚未生效"),
    c(0x7A, "card_unknown", "Card unknown", "未知卡片"),
    c(
        0x7B,
        "fallback_not_possible_girocard",
        "Fallback to magnetic stripe not possible (girocard)",
        "girocard 无法改用磁条交易",
    ),
    c(
        0x7C,
        "fallback_not_possible",
        "Fallback to magnetic stripe not possible",
        "无法改用磁条交易",
    ),
    c(0x7D, "communication_error", "Communication error", "通讯错误"),
    c(
        0x7E,
        "fallback_debit_advice_possible",
        "Fallback to magnetic stripe not possible, debit advice possible",
        "无法改用磁条交易，可用借记通知",
    ),
    c(0x83, "function_not_possible", "Function not possible", "该功能无法执行"),
    c(0x85, "key_missing", "Key missing", "缺少密钥"),
    c(0x89, "pin_pad_defective", "PIN pad defective", "密码键盘故障"),
    c(0x9A, "protocol_error", "ZVT protocol error", "ZVT 协议错误"),
    c(
        0x9B,
        "dial_up_error",
        "Dial-up or communication fault",
        "拨号或通讯故障",
    ),
    c(0x9C, "please_wait", "Please wait", "请稍候"),
    c(0xA0, "receiver_not_ready", "Receiver not ready", "接收方未就绪"),
    c(
        0xA1,
        "remote_not_responding",
        "Remote station does not respond",
        "远端无应答",
    ),
    c(0xA3, "no_connection", "No connection", "无法连接"),
    c(
        0xA4,
        "geldkarte_not_possible",
        "Submission of Geldkarte not possible",
        "无法提交 Geldkarte 交易",
    ),
    c(
        0xA5,
        "not_allowed_pci",
        "Function not allowed by PCI-DSS/P2PE rules",
        "PCI-DSS/P2PE 规则不允许此功能",
    ),
    c(0xB1, "memory_full", "Memory full", "存储已满"),
    c(0xB2, "merchant_journal_full", "Merchant journal full", "商户日志已满"),
    c(0xB4, "already_reversed", "Already reversed", "交易已撤销"),
    c(0xB5, "reversal_not_possible", "Reversal not possible", "无法撤销"),
    c(
        0xB7,
        "preauth_amount_wrong",
        "Pre-authorisation incorrect or amount wrong",
        "预授权错误或金额错误",
    ),
    c(0xB8, "preauth_error", "Pre-authorisation error", "预授权出错"),
    c(0xBF, "voltage_too_low", "Supply voltage too low", "供电电压过低"),
    c(
        0xC0,
        "card_lock_defective",
        "Card locking mechanism defective",
        "卡锁装置故障",
    ),
    c(0xC1, "merchant_card_locked", "Merchant card locked", "商户卡已锁定"),
    c(0xC2, "diagnosis_required", "Diagnosis required", "需要诊断"),
    c(0xC3, "max_amount_exceeded", "Maximum amount exceeded", "超出最高金额"),
    c(
        0xC4,
        "card_profile_invalid",
        "Card profile invalid",
        "卡参数无效，需要重新加载",
    ),
    c(
        0xC5,
        "payment_method_not_supported",
        "Payment method not supported",
        "不支持该支付方式",
    ),
    c(
        0xC6,
        "currency_not_applicable",
        "Currency not applicable",
        "不支持该币种",
    ),
    c(0xC8, "amount_too_small", "Amount too small", "金额过小"),
    c(
        0xC9,
        "max_amount_too_small",
        "Maximum transaction amount too small",
        "最高交易金额设置过小",
    ),
    c(0xCB, "euro_only", "Function only allowed in EUR", "此功能仅限欧元"),
    c(0xCC, "printer_not_ready", "Printer not ready", "打印机未就绪"),
    c(
        0xCD,
        "cashback_not_possible",
        "Cashback not possible",
        "无法提取现金（Cashback）",
    ),
    c(
        0xD2,
        "not_permitted_for_service_cards",
        "Function not permitted for service cards",
        "服务卡不支持此功能",
    ),
    c(0xDC, "card_inserted", "Card inserted", "卡片已插入"),
    c(0xDD, "card_eject_error", "Error during card eject", "退卡出错"),
    c(0xDE, "card_insert_error", "Error during card insertion", "插卡出错"),
    c(0xE0, "remote_maintenance", "Remote maintenance activated", "远程维护中"),
    c(
        0xE2,
        "card_reader_defective",
        "Card reader does not answer or is defective",
        "读卡器无响应或故障",
    ),
    c(0xE3, "shutter_closed", "Shutter closed", "插卡口已关闭"),
    c(
        0xE4,
        "activation_required",
        "Terminal activation required",
        "终端需要激活",
    ),
    c(
        0xE7,
        "goods_group_not_found",
        "At least one goods group not found",
        "未找到商品组",
    ),
    c(
        0xE8,
        "no_goods_group_table",
        "No goods group table loaded",
        "未加载商品组表",
    ),
    c(
        0xE9,
        "restriction_code_not_permitted",
        "Restriction code not permitted",
        "限制代码不允许",
    ),
    c(
        0xEA,
        "card_code_not_permitted",
        "Card code not permitted",
        "卡代码不允许",
    ),
    c(
        0xEB,
        "function_not_executable",
        "Function not executable (PIN algorithm unknown)",
        "功能无法执行（未知密码算法）",
    ),
    c(
        0xEC,
        "pin_processing_not_possible",
        "PIN processing not possible",
        "无法处理密码",
    ),
    c(0xED, "pin_pad_defective", "PIN pad defective", "密码键盘故障"),
    c(
        0xF0,
        "open_batch_present",
        "Open end-of-day batch present",
        "存在未结算批次，需要对账",
    ),
    c(
        0xF1,
        "offline_error",
        "ec-cash/Maestro offline error",
        "ec-cash/Maestro 离线错误",
    ),
    c(0xF5, "opt_error", "OPT error", "OPT 错误"),
    c(
        0xF6,
        "opt_data_missing",
        "OPT data not available",
        "缺少 OPT 数据，需要个性化",
    ),
    c(
        0xFA,
        "clearing_error",
        "Error transmitting offline transactions",
        "离线交易上送失败（清算错误）",
    ),
    c(
        0xFB,
        "turnover_record_defective",
        "Turnover data record defective",
        "交易数据记录损坏",
    ),
    c(
        0xFC,
        "device_missing",
        "Necessary device not present or defective",
        "所需设备缺失或故障",
    ),
    c(
        0xFD,
        "baudrate_not_supported",
        "Baud rate not supported",
        "不支持该波特率",
    ),
    c(0xFE, "register_unknown", "Register unknown", "未知寄存器"),
    c(0xFF, "system_error", "System error", "系统错误"),
];

/// Intermediate status. 41..5D, 66 and 67 are the messages of 01..1D, 26 and 27 with
/// "please remove card" added (bit 7 set); see `intermediate_entry`.
const INTERMEDIATE: &[Code] = &[
    c(0x00, "confirm_amount", "Waiting for amount confirmation", "请确认金额"),
    c(0x01, "watch_pin_pad", "Please watch the PIN pad", "请留意密码键盘"),
    c(0x02, "watch_pin_pad", "Please watch the PIN pad", "请留意密码键盘"),
    c(0x03, "not_accepted", "Not accepted", "不受理"),
    c(
        0x04,
        "waiting_for_host",
        "Waiting for the host's answer",
        "等待主机应答",
    ),
    c(0x05, "auto_reversal", "Sending auto-reversal", "正在发送自动冲正"),
    c(0x06, "post_bookings", "Sending post-bookings", "正在发送补登交易"),
    c(0x07, "card_not_admitted", "Card not admitted", "该卡不受理"),
    c(0x08, "card_unknown", "Card unknown", "未知卡片"),
    c(0x09, "card_expired", "Card expired", "卡片已过期"),
    c(0x0A, "insert_card", "Insert card", "请插卡"),
    c(0x0B, "remove_card", "Please remove card", "请取出卡片"),
    c(0x0C, "card_not_readable", "Card not readable", "无法读卡"),
    c(0x0D, "processing_error", "Processing error", "处理错误"),
    c(0x0E, "please_wait", "Please wait", "请稍候"),
    c(0x0F, "auto_end_of_day", "Automatic end-of-day starting", "自动结算开始"),
    c(0x10, "invalid_card", "Invalid card", "无效卡片"),
    c(0x11, "balance_display", "Balance display", "显示余额"),
    c(0x12, "system_malfunction", "System malfunction", "系统故障"),
    c(0x13, "payment_not_possible", "Payment not possible", "无法支付"),
    c(0x14, "credit_not_sufficient", "Credit not sufficient", "余额不足"),
    c(0x15, "incorrect_pin", "Incorrect PIN", "密码错误"),
    c(0x16, "limit_not_sufficient", "Limit not sufficient", "额度不足"),
    c(0x17, "please_wait", "Please wait", "请稍候"),
    c(0x18, "pin_tries_exceeded", "PIN try limit exceeded", "密码错误次数超限"),
    c(0x19, "card_data_incorrect", "Card data incorrect", "卡数据错误"),
    c(0x1A, "service_mode", "Service mode", "维护模式"),
    c(0x1B, "approved_fill_up", "Approved, please fill up", "已批准，请加油"),
    c(
        0x1C,
        "approved_take_goods",
        "Approved, please take goods",
        "已批准，请取货",
    ),
    c(0x1D, "declined", "Declined", "交易被拒绝"),
    c(
        0x26,
        "enter_mobile_number",
        "Waiting for the mobile number",
        "请输入手机号码",
    ),
    c(
        0x27,
        "repeat_mobile_number",
        "Waiting for the mobile number again",
        "请再次输入手机号码",
    ),
    c(
        0x28,
        "currency_selection",
        "Currency selection, please wait",
        "正在选择币种，请稍候",
    ),
    c(
        0x29,
        "language_selection",
        "Language selection, please wait",
        "正在选择语言，请稍候",
    ),
    c(
        0x2A,
        "insert_card_to_load",
        "For loading please insert card",
        "充值请插卡",
    ),
    c(
        0x2B,
        "emergency_transaction",
        "Emergency transaction, please wait",
        "应急交易，请稍候",
    ),
    c(
        0x2C,
        "application_selection",
        "Application selection, please wait",
        "正在选择应用，请稍候",
    ),
    c(
        0x68,
        "customer_card_inserted",
        "Customer card inserted",
        "已检测到客户插卡",
    ),
    c(0x69, "select_dcc", "Please select DCC", "请选择动态货币转换（DCC）"),
    c(0xC7, "enter_mileage", "Waiting for the mileage", "请输入里程"),
    c(0xC8, "waiting_for_cashier", "Waiting for the cashier", "等待收银员"),
    c(0xC9, "auto_diagnosis", "Automatic diagnosis starting", "自动诊断开始"),
    c(
        0xCA,
        "auto_initialisation",
        "Automatic initialisation starting",
        "自动初始化开始",
    ),
    c(0xCB, "merchant_journal_full", "Merchant journal full", "商户日志已满"),
    c(
        0xCC,
        "pin_required",
        "Debit advice not possible, PIN required",
        "无法借记通知，需要输入密码",
    ),
    c(0xD2, "dialling", "Connecting dial-up", "正在拨号连接"),
    c(0xD3, "dial_up_connected", "Dial-up connection made", "拨号已连接"),
    c(
        0xE0,
        "select_application",
        "Waiting for application selection",
        "请选择应用",
    ),
    c(0xE1, "select_language", "Waiting for language selection", "请选择语言"),
    c(
        0xE2,
        "use_cleaning_card",
        "Please use the cleaning card",
        "请使用清洁卡",
    ),
    c(0xF1, "offline", "Offline", "离线"),
    c(0xF2, "online", "Online", "在线"),
    c(0xF3, "offline_transaction", "Offline transaction", "离线交易"),
    c(0xFF, "other_status", "Other status (see TLV)", "其他状态（见 TLV）"),
];

/// Terminal status of a Status-Enquiry Completion (chapter 11).
const TERMINAL: &[Code] = &[
    c(0x00, "ready", "Terminal ready", "终端就绪"),
    c(
        0x51,
        "initialisation_required",
        "Initialisation required",
        "终端需要初始化",
    ),
    c(
        0x62,
        "date_time_incorrect",
        "Date or time incorrect",
        "日期或时间不正确",
    ),
    c(
        0x9C,
        "please_wait",
        "Please wait (e.g. software update running)",
        "请稍候（如正在更新软件）",
    ),
    c(
        0xB1,
        "memory_full",
        "Memory full, end-of-day needed",
        "存储已满，需要结算",
    ),
    c(0xB2, "merchant_journal_full", "Merchant journal full", "商户日志已满"),
    c(0xBF, "voltage_too_low", "Supply voltage too low", "供电电压过低"),
    c(
        0xC0,
        "card_lock_defective",
        "Card locking mechanism defective",
        "卡锁装置故障",
    ),
    c(0xC1, "merchant_card_locked", "Merchant card locked", "商户卡已锁定"),
    c(0xC2, "diagnosis_required", "Diagnosis required", "需要诊断"),
    c(
        0xC4,
        "card_profile_invalid",
        "Card profile invalid",
        "卡参数无效，需要重新加载",
    ),
    c(0xCC, "printer_not_ready", "Printer not ready", "打印机未就绪"),
    c(0xDC, "card_inserted", "Card inserted", "卡片已插入"),
    c(0xDF, "out_of_order", "Out of order", "终端停用"),
    c(0xE0, "remote_maintenance", "Remote maintenance activated", "远程维护中"),
    c(
        0xE1,
        "card_not_ejected",
        "Card not completely ejected",
        "卡片未完全退出",
    ),
    c(
        0xE2,
        "card_reader_defective",
        "Card reader does not answer or is defective",
        "读卡器无响应或故障",
    ),
    c(0xE3, "shutter_closed", "Shutter closed", "插卡口已关闭"),
    c(
        0xE4,
        "activation_required",
        "Terminal activation required",
        "终端需要激活",
    ),
    c(
        0xF0,
        "reconciliation_required",
        "Reconciliation (end-of-day) required",
        "需要对账（结算）",
    ),
    c(0xF5, "opt_error", "OPT error", "OPT 错误"),
    c(
        0xF6,
        "opt_data_missing",
        "OPT data not available",
        "缺少 OPT 数据，需要个性化",
    ),
];

fn find(table: &'static [Code], code: u8) -> Option<&'static Code> {
    table.iter().find(|e| e.code == code)
}

fn text(entry: &Code, lang: Language) -> &'static str {
    match lang {
        Language::Zh => entry.zh,
        Language::En => entry.en,
    }
}

// ---- Result codes (BMP 27, 06 1E) ---------------------------------------------------------

/// Stable snake_case id of a result code; "host_declined" for the host's own codes 01..63,
/// "unknown" for codes the spec does not list.
pub fn result_name(code: u8) -> &'static str {
    match code {
        0x01..=0x63 => "host_declined",
        _ => find(RESULTS, code).map_or("unknown", |e| e.name),
    }
}

pub fn result_text(code: u8, lang: Language) -> String {
    match (code, find(RESULTS, code)) {
        (0x01..=0x63, _) => match lang {
            Language::Zh => format!("发卡行或主机拒绝（代码 {code:02X}）"),
            Language::En => format!("Declined by the card issuer or host (code {code:02X})"),
        },
        (_, Some(e)) => text(e, lang).to_string(),
        (_, None) => unknown("result code", "结果代码", code, lang),
    }
}

fn unknown(en: &str, zh: &str, code: u8, lang: Language) -> String {
    match lang {
        Language::Zh => format!("未知{zh} {code:02X}"),
        Language::En => format!("Unknown {en} {code:02X}"),
    }
}

// ---- Intermediate status (04 FF) ----------------------------------------------------------

/// Codes 41..5D, 66 and 67 repeat 01..1D, 26 and 27 and add "please remove card"; 4B is
/// "please remove card" itself, and 4A has no text in the spec.
fn intermediate_entry(code: u8) -> (Option<&'static Code>, bool) {
    match (find(INTERMEDIATE, code), code) {
        (Some(e), _) => (Some(e), false),
        (None, 0x4B) => (find(INTERMEDIATE, 0x0B), false),
        (None, 0x41..=0x49 | 0x4C..=0x5D | 0x66 | 0x67) => (find(INTERMEDIATE, code - 0x40), true),
        (None, _) => (None, false),
    }
}

pub fn intermediate_name(code: u8) -> &'static str {
    match intermediate_entry(code) {
        (Some(e), _) => e.name,
        (None, _) => "unknown",
    }
}

pub fn intermediate_text(code: u8, lang: Language) -> String {
    match intermediate_entry(code) {
        (Some(e), false) => text(e, lang).to_string(),
        (Some(e), true) => match lang {
            Language::Zh => format!("{}，请取出卡片", e.zh),
            Language::En => format!("{}, please remove card", e.en),
        },
        (None, _) => unknown("intermediate status", "中间状态", code, lang),
    }
}

// ---- Terminal status (05 01) --------------------------------------------------------------

pub fn terminal_status_name(code: u8) -> &'static str {
    find(TERMINAL, code).map_or("unknown", |e| e.name)
}

pub fn terminal_status_text(code: u8, lang: Language) -> String {
    find(TERMINAL, code).map_or_else(
        || unknown("terminal status", "终端状态", code, lang),
        |e| text(e, lang).to_string(),
    )
}

// ---- Card types (BMP 8A) ------------------------------------------------------------------

/// ZVT card-type ids of the common schemes, as stable names; others read "card_type_XX".
pub fn card_type_name(id: u8) -> String {
    match id {
        0x05 => "girocard".into(),
        0x06 => "mastercard".into(),
        0x08 => "amex".into(),
        0x0A => "visa".into(),
        0x0B => "visa_electron".into(),
        0x0C => "diners".into(),
        0x0D => "v_pay".into(),
        0x0E => "jcb".into(),
        0x2E => "maestro".into(),
        other => format!("card_type_{other:02X}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_result_codes_are_named() {
        for code in [
            0x00, 0x64, 0x6C, 0x6F, 0x77, 0x9A, 0x9C, 0xA0, 0xB4, 0xB5, 0xC3, 0xCC, 0xF0, 0xFF,
        ] {
            assert_ne!(result_name(code), "unknown", "{code:02X}");
            assert!(!result_text(code, Language::Zh).contains("未知"), "{code:02X}");
        }
        assert_eq!(result_text(0x00, Language::Zh), "交易成功");
        assert_eq!(result_text(0x64, Language::Zh), "无法读卡");
        assert_eq!(result_text(0x6C, Language::Zh), "交易已取消");
        assert_eq!(result_text(0x77, Language::Zh), "无法结算");
        assert_eq!(result_name(0x6C), "aborted");
        assert_eq!(result_name(0x05), "host_declined");
        assert!(result_text(0x05, Language::En).contains("05"));
    }

    #[test]
    fn required_intermediate_codes_are_named() {
        for code in [
            0x00, 0x01, 0x02, 0x04, 0x05, 0x0A, 0x0B, 0x0E, 0x17, 0x0F, 0x15, 0x1D, 0xC8, 0xF1, 0xF2,
        ] {
            assert_ne!(intermediate_name(code), "unknown", "{code:02X}");
        }
        assert_eq!(intermediate_text(0x0A, Language::Zh), "请插卡");
        assert_eq!(intermediate_text(0x01, Language::Zh), "请留意密码键盘");
        assert_eq!(intermediate_text(0x02, Language::Zh), "请留意密码键盘");
        assert_eq!(intermediate_text(0x04, Language::Zh), "等待主机应答");
        assert_eq!(intermediate_text(0x0F, Language::Zh), "自动结算开始");
        assert_eq!(intermediate_text(0x17, Language::En), "Please wait");
        assert_eq!(
            intermediate_text(0x55, Language::En),
            "Incorrect PIN, please remove card"
        );
        assert_eq!(intermediate_text(0x4B, Language::Zh), "请取出卡片");
        assert_eq!(intermediate_text(0x4A, Language::En), "Unknown intermediate status 4A");
    }

    #[test]
    fn required_terminal_status_codes_are_named() {
        for code in [0x00, 0x51, 0xB1, 0xF0] {
            assert_ne!(terminal_status_name(code), "unknown", "{code:02X}");
        }
        assert_eq!(terminal_status_text(0xF0, Language::Zh), "需要对账（结算）");
    }

    #[test]
    fn unknown_codes_name_the_hex_code() {
        assert_eq!(result_text(0x80, Language::En), "Unknown result code 80");
        assert_eq!(result_text(0x80, Language::Zh), "未知结果代码 80");
        assert_eq!(intermediate_text(0xA7, Language::En), "Unknown intermediate status A7");
        assert_eq!(terminal_status_text(0x33, Language::Zh), "未知终端状态 33");
        for code in 0..=255u8 {
            let _ = (result_text(code, Language::Zh), intermediate_text(code, Language::En));
            let _ = (
                terminal_status_text(code, Language::En),
                result_name(code),
                intermediate_name(code),
            );
        }
    }
}
