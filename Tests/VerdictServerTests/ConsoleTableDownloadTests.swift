import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import VerdictServer

/// The policies page offers each decision table as xlsx (issue 33), and `/table.xlsx` answers with
/// the workbook `verdict table export` writes.
@Suite struct ConsoleTableDownloadTests {
    @Test func thePoliciesPageLinksEachTableAndTheDownloadIsAWorkbook() async throws {
        let service = try makeService([shippedPolicyPath("quality-complaints")])
        try await service.application().test(.router) { client in
            let en = text(try await client.get("/").body)
            #expect(en.contains(#"<a href="/table.xlsx?policy=quality-complaints&amp;decision=approval">Download this table as a spreadsheet (xlsx)</a>"#))
            #expect(en.contains(#"<a href="/table.xlsx?policy=quality-complaints">Download the tables as a spreadsheet (xlsx)</a>"#))
            let zh = text(try await client.get("/?lang=zh").body)
            #expect(zh.contains("下载本决策表(xlsx 表格)"))
            let r = try await client.get("/table.xlsx?policy=quality-complaints&decision=approval")
            #expect(r.status == .ok)
            #expect(r.headers[.contentType] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            #expect(r.headers[.contentDisposition] == "attachment; filename=\"quality-complaints-approval.xlsx\"")
            let bytes = Array(r.body.readableBytesView)
            #expect(bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]), "a zip")
            #expect(try await client.get("/table.xlsx?policy=nope").status == .notFound)
            #expect(try await client.get("/table.xlsx?policy=quality-complaints&decision=nope").status == .unprocessableContent)
        }
    }
}
