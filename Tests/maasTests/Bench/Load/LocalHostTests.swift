import Testing
@testable import maas

@Suite("LocalHost")
struct LocalHostTests {
    @Test("loopback and unspecified addresses are this machine", arguments: ["127.0.0.1", "127.1.2.3", "localhost", "::1", "0:0::1", "0.0.0.0", "::"])
    func local(host: String) {
        #expect(LocalHost.isLocal(host))
    }

    @Test("other addresses are not", arguments: ["10.255.255.1", "8.8.8.8", "example.com", "2001:db8::1"])
    func remote(host: String) {
        #expect(!LocalHost.isLocal(host))
    }

    @Test("addresses are compared in canonical form")
    func canonical() {
        #expect(LocalHost.numeric("::0001") == "::1")
        #expect(LocalHost.numeric("name") == nil)
    }
}
