import Foundation
import Verdict

extension AuditError {
    /// The error in a reader's language. English is ``message`` itself. Chinese says the errors an
    /// auditor meets first — no log where one was named, a file that is not a log, no record of a
    /// case, no checkpoint yet, a key that cannot be used, a file that exists — wholly in Chinese;
    /// every other error opens with what went wrong in Chinese (by its ``Kind``) and then gives the
    /// English detail, which names the record, file or digest concerned.
    ///
    /// ```swift
    /// AuditError(.notFound, "no decision recorded for case `Q-1` in sqlite:log.db").text(.zh)
    /// // "sqlite:log.db 中没有案件 `Q-1` 的决策记录"
    /// ```
    public func text(_ language: Language) -> String {
        guard language == .zh else { return message }
        for (pattern, template) in Self.chinese {
            guard let m = pattern.firstMatch(in: message, range: NSRange(message.startIndex..., in: message)) else { continue }
            return pattern.replacementString(for: m, in: message, offset: 0, template: template)
        }
        return "\(Self.chineseLead[kind] ?? "出错"):\(message)"
    }

    /// What went wrong, by kind, before the English detail.
    static let chineseLead: [Kind: String] = [
        .notALog: "不是可读的 Verdict 决策日志",
        .storage: "决策日志无法读写",
        .tampered: "记录与日志所承诺的内容不符(可能被篡改)",
        .key: "密钥或签名无法使用",
        .archive: "策略存档缺失、被改动或不能复现",
        .proof: "证明文件格式有误,或不能证明其声称的内容",
        .notFound: "未找到所要的内容",
        .usage: "参数或文件有误",
    ]

    /// Whole messages and their Chinese (`$1`, `$2`: the parts quoted from the message).
    static let chinese: [(NSRegularExpression, String)] = [
        (#"no decision log at `(.*)` \(a log is created by `(.*)`\)"#, "`$1` 处没有决策日志(日志由 `$2` 创建)"),
        (#"`(.*)` is a folder, not a Verdict decision log"#, "`$1` 是文件夹,不是 Verdict 决策日志"),
        (#"`(.*)` is not a Verdict decision log \(not an SQLite database\)"#, "`$1` 不是 Verdict 决策日志(不是 SQLite 数据库)"),
        (#"`(.*)` is empty or truncated: not a Verdict decision log"#, "`$1` 为空或已被截断:不是 Verdict 决策日志"),
        (#"`(.*)` is an SQLite database but not a Verdict decision log \(it has no `verdict_meta` table\)"#,
         "`$1` 是 SQLite 数据库,但不是 Verdict 决策日志(没有 `verdict_meta` 表)"),
        (#"`(.*)` is not a Verdict decision log \(its `verdict_meta` does not say so\)"#, "`$1` 不是 Verdict 决策日志(其 `verdict_meta` 表未如此标明)"),
        (#"unknown log location `(.*)`: give `sqlite:PATH` or `postgres://USER@HOST:PORT/DATABASE`"#,
         "未知的日志位置 `$1`:请给出 `sqlite:路径` 或 `postgres://用户@主机:端口/数据库`"),
        (#"no decision recorded for case `(.*)` in (.*)"#, "$2 中没有案件 `$1` 的决策记录"),
        (#"no decision record (\d+) in (.*), nor an event \(it holds (\d+) leaves\)"#, "$2 中没有序号为 $1 的决策记录,也没有该序号的事件(日志共有 $3 个叶子)"),
        (#"(.*) has no checkpoint yet: sign one with `(.*)`"#, "$1 尚无检查点:请用 `$2` 签署一个"),
        (#"no policy version (.*) in the archive of (.*) \(`verdict audit verify` lists the archived versions\)"#,
         "$2 的存档中没有策略版本 $1(`verdict audit verify` 会列出已存档的版本)"),
        (#"cannot read key file `(.*)`"#, "无法读取密钥文件 `$1`"),
        (#"`(.*)` is not a Verdict public key \(expected one line `(.*)`\)"#, "`$1` 不是 Verdict 公钥(应为一行 `$2`)"),
        (#"`(.*)` is not a Verdict private key \(expected one line `(.*)`\)"#, "`$1` 不是 Verdict 私钥(应为一行 `$2`)"),
        (#"`(.*)` is a private key; checking signatures needs the public key: give `(.*)` \(written beside it by `verdict audit keygen`\), and keep the private key secret"#,
         "`$1` 是私钥;验证签名需要公钥:请给出 `$2`(由 `verdict audit keygen` 写在它旁边),私钥请妥善保密"),
        (#"`(.*)` is a public key; signing a checkpoint needs the private key \(made by `verdict audit keygen`\)"#,
         "`$1` 是公钥;签署检查点需要私钥(由 `verdict audit keygen` 生成)"),
        (#"`(.*)` is not a Verdict proof \(its `format` is not `(.*)`\)"#, "`$1` 不是 Verdict 证明文件(其 `format` 不是 `$2`)"),
        (#"`(.*)` exists; refusing to overwrite a key"#, "`$1` 已存在;不会覆盖密钥"),
        (#"`(.*)` exists; give a new folder"#, "`$1` 已存在;请给出一个新的文件夹"),
        (#"cannot read `(.*)`"#, "无法读取 `$1`"),
        (#"cannot open `(.*)`: (.*)"#, "无法打开 `$1`:$2"),
        (#"`(.*)` is read-only"#, "`$1` 为只读"),
        (#"the disk holding `(.*)` is full"#, "存放 `$1` 的磁盘已满"),
        (#"`(.*)` stayed locked by another writer for 60 s"#, "`$1` 被另一个写入者锁定达 60 秒"),
        (#"give a case id or --seq N, not both"#, "请给出案件编号或 --seq N,不要同时给出"),
    ].map { (try! NSRegularExpression(pattern: #"\A(?:"# + $0.0 + #")\z"#, options: [.dotMatchesLineSeparators]), $0.1) }
}
