import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import VerdictConsole
import VerdictSheets

/// `GET /table.xlsx?policy=NAME[&decision=NAME]`: a served set's decision tables as an xlsx workbook,
/// exactly as `verdict table export` writes them from the set's folder (issue 33), for staff to edit
/// and hand back through `verdict table import`.
extension ConsoleRoutes {
    func tableXLSX(_ request: Request, context: some RequestContext) async throws -> Response {
        let page = await self.page(request, context)
        if let refusal = gate(page) { return refusal }
        let c = page.context(hasAudit: log != nil)
        guard let name = FormData.value(page.query, "policy"), let set = registry.set(named: name) else {
            return page.html(ConsolePage.message(title: c.words.notFound, "no such policy set", context: c), status: .notFound)
        }
        // Loading and checking the folder costs as much as a draft check.
        if let refusal = throttled(page) { return refusal }
        let decision = FormData.value(page.query, "decision")
        let data: Data
        do {
            data = try XLSXWriter.write(try PolicyTables(directory: set.folder).workbook(decision: decision))
        } catch {
            return page.html(ConsolePage.message(title: c.words.notFound, "\(error)", context: c), status: .unprocessableContent)
        }
        var h = HTTPFields()
        h[.contentType] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        h[.contentDisposition] = "attachment; filename=\"\(Self.fileSafe(set.name) + (decision.map { "-" + Self.fileSafe($0) } ?? "")).xlsx\""
        h[.cacheControl] = "no-store"
        h[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        for cookie in page.cookies { h.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: .ok, headers: h, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
