import Foundation
import KMSCore
import KMSCrypto
import KMSProtocol
import KMSTestSupport
import Synchronization
import Testing

/// The request pipeline's steps and their order, with real operations on a
/// real SQLite store and test doubles at the seams.
@Suite("Request pipeline")
struct PipelineTests {
    /// Remembers every authorization it was asked for; denies the actions in `deny`.
    final class RecordingAuthorizer: Authorizer {
        let deny: Set<String>
        private let asked = Mutex<[String]>([])
        init(deny: Set<String> = []) { self.deny = deny }
        var requests: [String] { asked.withLock { $0 } }
        func reset() { asked.withLock { $0.removeAll() } }

        func authorize(_ request: AuthorizationRequest) async throws(KMSError) {
            asked.withLock { $0.append("\(request.action) \(request.resource)") }
            if deny.contains(request.action.description) {
                throw KMSError(.accessDenied, "denied by the test")
            }
        }
    }

    /// Counts the cryptographic operations that reach the key store.
    final class CountingKeyStore: KeyStore {
        let base: SoftwareKeyStore
        private let count = Mutex(0)
        init(_ base: SoftwareKeyStore) { self.base = base }
        var operations: Int { count.withLock { $0 } }

        func createKeyVersion(of keyID: KeyID, version: UInt32, spec: KeySpec, now: Date) async throws(KMSError) -> StoredKeyVersion {
            try await base.createKeyVersion(of: keyID, version: version, spec: spec, now: now)
        }
        func encrypt(_ plaintext: Data, under version: StoredKeyVersion, context: [String: String]) async throws(KMSError) -> Data {
            count.withLock { $0 += 1 }
            return try await base.encrypt(plaintext, under: version, context: context)
        }
        func decrypt(_ blob: CiphertextBlob, under version: StoredKeyVersion, context: [String: String]) async throws(KMSError) -> Data {
            count.withLock { $0 += 1 }
            return try await base.decrypt(blob, under: version, context: context)
        }
        func generateMac(_ message: Data, under version: StoredKeyVersion) async throws(KMSError) -> Data {
            count.withLock { $0 += 1 }
            return try await base.generateMac(message, under: version)
        }
        func verifyMac(_ mac: Data, for message: Data, under version: StoredKeyVersion) async throws(KMSError) -> Bool {
            count.withLock { $0 += 1 }
            return try await base.verifyMac(mac, for: message, under: version)
        }
        func sign(_ message: Data, isDigest: Bool, algorithm: String, under version: StoredKeyVersion) async throws(KMSError) -> Data {
            count.withLock { $0 += 1 }
            return try await base.sign(message, isDigest: isDigest, algorithm: algorithm, under: version)
        }
        func verify(
            _ signature: Data, for message: Data, isDigest: Bool, algorithm: String, under version: StoredKeyVersion
        ) async throws(KMSError) -> Bool {
            count.withLock { $0 += 1 }
            return try await base.verify(signature, for: message, isDigest: isDigest, algorithm: algorithm, under: version)
        }
        func publicKey(of version: StoredKeyVersion) async throws(KMSError) -> Data { try await base.publicKey(of: version) }
        func deriveSharedSecret(withPeer publicKey: Data, under version: StoredKeyVersion) async throws(KMSError) -> Data? {
            count.withLock { $0 += 1 }
            return try await base.deriveSharedSecret(withPeer: publicKey, under: version)
        }
        func encryptAsymmetric(_ plaintext: Data, algorithm: String, under version: StoredKeyVersion) async throws(KMSError) -> Data {
            count.withLock { $0 += 1 }
            return try await base.encryptAsymmetric(plaintext, algorithm: algorithm, under: version)
        }
        func decryptAsymmetric(_ ciphertext: Data, algorithm: String, under version: StoredKeyVersion) async throws(KMSError) -> Data {
            count.withLock { $0 += 1 }
            return try await base.decryptAsymmetric(ciphertext, algorithm: algorithm, under: version)
        }
        func importParameters(
            for keyID: KeyID, wrappingKeySpec: KeySpec, algorithm: ImportWrappingAlgorithm, validTo: Date
        ) async throws(KMSError) -> ImportParameters {
            try await base.importParameters(for: keyID, wrappingKeySpec: wrappingKeySpec, algorithm: algorithm, validTo: validTo)
        }
        func importKeyVersion(
            of keyID: KeyID, version: UInt32, spec: KeySpec, token: [UInt8], encryptedMaterial: Data, now: Date
        ) async throws(KMSError) -> UnwrappedImport {
            try await base.importKeyVersion(of: keyID, version: version, spec: spec, token: token, encryptedMaterial: encryptedMaterial, now: now)
        }
        func forget(_ keyID: KeyID) { base.forget(keyID) }
    }

    /// Refuses to keep any record, as a full disk would.
    struct FailingAuditSink: AuditSink {
        struct Unavailable: Error {}
        func commit(_ writes: [StoreWrite], recording event: AuditEvent) async throws -> Bool { throw Unavailable() }
    }

    static func expect(_ code: KMSError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("expected \(code.awsName), but the call succeeded", sourceLocation: sourceLocation)
        } catch let error as KMSError {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected \(code.awsName), got \(error)", sourceLocation: sourceLocation)
        }
    }

    static func arn(_ keyID: String) -> String { "arn:aws:kms:us-east-1:111122223333:key/\(keyID)" }

    // MARK: authorization

    /// Each operation asks for the action AWS documents, on the keys it names.
    @Test func everyOperationIsAuthorizedForItsActionOnItsKeys() async throws {
        let authorizer = RecordingAuthorizer()
        let env = try TestEnvironment(authorizer: authorizer)
        let keyID = try await env.call(CreateKey.self, "{}").KeyMetadata.KeyId
        let other = try await env.call(CreateKey.self, "{}").KeyMetadata.KeyId
        let blob = try await env.call(Encrypt.self, #"{"KeyId":"\#(keyID)","Plaintext":"aGk="}"#).CiphertextBlob.base64EncodedString()
        let (key, otherKey) = (Self.arn(keyID), Self.arn(other))
        let macKeyID = try await env.call(CreateKey.self, #"{"KeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC"}"#).KeyMetadata.KeyId
        let macKey = Self.arn(macKeyID)
        let mac = try await env.call(GenerateMac.self, #"{"KeyId":"\#(macKeyID)","Message":"aGk=","MacAlgorithm":"HMAC_SHA_256"}"#)
            .Mac.base64EncodedString()
        let signingKeyID = try await env.call(CreateKey.self, #"{"KeySpec":"ECC_NIST_P256","KeyUsage":"SIGN_VERIFY"}"#).KeyMetadata.KeyId
        let signingKey = Self.arn(signingKeyID)
        let agreementKeyID = try await env.call(CreateKey.self, #"{"KeySpec":"ECC_NIST_P256","KeyUsage":"KEY_AGREEMENT"}"#).KeyMetadata.KeyId
        let agreementKey = Self.arn(agreementKeyID)
        let peer = try await env.call(GetPublicKey.self, #"{"KeyId":"\#(agreementKeyID)"}"#).PublicKey.base64EncodedString()
        let signature = try await env.call(Sign.self, #"{"KeyId":"\#(signingKeyID)","Message":"aGk=","SigningAlgorithm":"ECDSA_SHA_256"}"#)
            .Signature.base64EncodedString()
        let root = TestEnvironment.principal.arn
        let revocable = try await env.call(CreateGrant.self, #"{"KeyId":"\#(keyID)","GranteePrincipal":"\#(root)","Operations":["Encrypt"]}"#)
        let retirable = try await env.call(
            CreateGrant.self, #"{"KeyId":"\#(keyID)","GranteePrincipal":"\#(root)","RetiringPrincipal":"\#(root)","Operations":["Encrypt"]}"#
        )
        let policy = #"{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"\#(root)\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}"#
        let importedKeyID = try await env.call(CreateKey.self, #"{"Origin":"EXTERNAL"}"#).KeyMetadata.KeyId
        let importedKey = Self.arn(importedKeyID)
        let importRequest = try await env.importRequest(importedKeyID)
        let anchor = #"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"#
        for (id, serial) in [("cluster-abcdefghijk", "1"), ("cluster-bcdefghijkl", "2")] {
            let cluster = HSMClusterRecord(
                id: id, modulePath: "/nowhere.so", tokenLabel: "t", tokenSerial: serial, trustAnchorCertificate: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                createdAt: Date()
            )
            #expect(try await env.store.commit([.registerHSMCluster(cluster)]))
        }
        let storeID = try await env.call(
            CreateCustomKeyStore.self,
            #"{"CustomKeyStoreName":"s","CloudHsmClusterId":"cluster-abcdefghijk","TrustAnchorCertificate":"\#(anchor)","KeyStorePassword":"password1"}"#
        ).CustomKeyStoreId
        let cases: [(String, () async throws -> Void, [String])] = [
            ("CreateCustomKeyStore", {
                _ = try await env.call(
                    CreateCustomKeyStore.self,
                    #"{"CustomKeyStoreName":"t","CloudHsmClusterId":"cluster-bcdefghijkl","TrustAnchorCertificate":"\#(anchor)","KeyStorePassword":"password1"}"#
                )
            }, ["kms:CreateCustomKeyStore *"]),
            ("DescribeCustomKeyStores", { _ = try await env.call(DescribeCustomKeyStores.self, "{}") }, ["kms:DescribeCustomKeyStores *"]),
            ("UpdateCustomKeyStore", {
                _ = try await env.call(UpdateCustomKeyStore.self, #"{"CustomKeyStoreId":"\#(storeID)","NewCustomKeyStoreName":"u"}"#)
            }, ["kms:UpdateCustomKeyStore *"]),
            // Without a PKCS#11 connector the connection fails (FAILED), which is not an error of the call.
            ("ConnectCustomKeyStore", { _ = try await env.call(ConnectCustomKeyStore.self, #"{"CustomKeyStoreId":"\#(storeID)"}"#) },
             ["kms:ConnectCustomKeyStore *"]),
            ("DisconnectCustomKeyStore", { _ = try await env.call(DisconnectCustomKeyStore.self, #"{"CustomKeyStoreId":"\#(storeID)"}"#) },
             ["kms:DisconnectCustomKeyStore *"]),
            ("DeleteCustomKeyStore", { _ = try await env.call(DeleteCustomKeyStore.self, #"{"CustomKeyStoreId":"\#(storeID)"}"#) },
             ["kms:DeleteCustomKeyStore *"]),
            ("GetParametersForImport", {
                _ = try await env.call(
                    GetParametersForImport.self, #"{"KeyId":"\#(importedKeyID)","WrappingAlgorithm":"RSAES_OAEP_SHA_1","WrappingKeySpec":"RSA_2048"}"#
                )
            }, ["kms:GetParametersForImport \(importedKey)"]),
            ("ImportKeyMaterial", { _ = try await env.call(ImportKeyMaterial.self, importRequest) }, ["kms:ImportKeyMaterial \(importedKey)"]),
            ("DeleteImportedKeyMaterial", { _ = try await env.call(DeleteImportedKeyMaterial.self, #"{"KeyId":"\#(importedKeyID)"}"#) },
             ["kms:DeleteImportedKeyMaterial \(importedKey)"]),
            ("CreateKey", { _ = try await env.call(CreateKey.self, "{}") }, ["kms:CreateKey *"]),
            ("ListKeys", { _ = try await env.call(ListKeys.self, "{}") }, ["kms:ListKeys *"]),
            ("ListAliases", { _ = try await env.call(ListAliases.self, #"{"KeyId":"\#(keyID)"}"#) }, ["kms:ListAliases *"]),
            ("GenerateRandom", { _ = try await env.call(GenerateRandom.self, #"{"NumberOfBytes":8}"#) }, ["kms:GenerateRandom *"]),
            ("GenerateMac", { _ = try await env.call(GenerateMac.self, #"{"KeyId":"\#(macKeyID)","Message":"aGk=","MacAlgorithm":"HMAC_SHA_256"}"#) },
             ["kms:GenerateMac \(macKey)"]),
            ("Sign", { _ = try await env.call(Sign.self, #"{"KeyId":"\#(signingKeyID)","Message":"aGk=","SigningAlgorithm":"ECDSA_SHA_256"}"#) },
             ["kms:Sign \(signingKey)"]),
            ("Verify", {
                _ = try await env.call(
                    Verify.self, #"{"KeyId":"\#(signingKeyID)","Message":"aGk=","SigningAlgorithm":"ECDSA_SHA_256","Signature":"\#(signature)"}"#
                )
            }, ["kms:Verify \(signingKey)"]),
            ("GetPublicKey", { _ = try await env.call(GetPublicKey.self, #"{"KeyId":"\#(signingKeyID)"}"#) }, ["kms:GetPublicKey \(signingKey)"]),
            ("VerifyMac", {
                _ = try await env.call(VerifyMac.self, #"{"KeyId":"\#(macKeyID)","Message":"aGk=","MacAlgorithm":"HMAC_SHA_256","Mac":"\#(mac)"}"#)
            }, ["kms:VerifyMac \(macKey)"]),
            ("DescribeKey", { _ = try await env.call(DescribeKey.self, #"{"KeyId":"\#(keyID)"}"#) }, ["kms:DescribeKey \(key)"]),
            ("Encrypt", { _ = try await env.call(Encrypt.self, #"{"KeyId":"\#(keyID)","Plaintext":"aGk="}"#) }, ["kms:Encrypt \(key)"]),
            ("Decrypt", { _ = try await env.call(Decrypt.self, #"{"CiphertextBlob":"\#(blob)"}"#) }, ["kms:Decrypt \(key)"]),
            ("GenerateDataKey", { _ = try await env.call(GenerateDataKey.self, #"{"KeyId":"\#(keyID)","KeySpec":"AES_256"}"#) },
             ["kms:GenerateDataKey \(key)"]),
            ("DeriveSharedSecret", {
                _ = try await env.call(DeriveSharedSecret.self, #"{"KeyId":"\#(agreementKeyID)","KeyAgreementAlgorithm":"ECDH","PublicKey":"\#(peer)"}"#)
            }, ["kms:DeriveSharedSecret \(agreementKey)"]),
            ("GenerateDataKeyPair", { _ = try await env.call(GenerateDataKeyPair.self, #"{"KeyId":"\#(keyID)","KeyPairSpec":"ECC_NIST_P256"}"#) },
             ["kms:GenerateDataKeyPair \(key)"]),
            ("GenerateDataKeyPairWithoutPlaintext", {
                _ = try await env.call(GenerateDataKeyPairWithoutPlaintext.self, #"{"KeyId":"\#(keyID)","KeyPairSpec":"ECC_NIST_P256"}"#)
            }, ["kms:GenerateDataKeyPairWithoutPlaintext \(key)"]),
            ("GenerateDataKeyWithoutPlaintext", {
                _ = try await env.call(GenerateDataKeyWithoutPlaintext.self, #"{"KeyId":"\#(keyID)","NumberOfBytes":16}"#)
            }, ["kms:GenerateDataKeyWithoutPlaintext \(key)"]),
            ("ReEncrypt", { _ = try await env.call(ReEncrypt.self, #"{"CiphertextBlob":"\#(blob)","DestinationKeyId":"\#(other)"}"#) },
             ["kms:ReEncryptTo \(otherKey)", "kms:ReEncryptFrom \(key)"]),
            ("CreateAlias", { _ = try await env.call(CreateAlias.self, #"{"AliasName":"alias/p","TargetKeyId":"\#(keyID)"}"#) },
             ["kms:CreateAlias arn:aws:kms:us-east-1:111122223333:alias/p", "kms:CreateAlias \(key)"]),
            ("UpdateAlias", { _ = try await env.call(UpdateAlias.self, #"{"AliasName":"alias/p","TargetKeyId":"\#(other)"}"#) },
             ["kms:UpdateAlias arn:aws:kms:us-east-1:111122223333:alias/p", "kms:UpdateAlias \(key)", "kms:UpdateAlias \(otherKey)"]),
            ("DeleteAlias", { _ = try await env.call(DeleteAlias.self, #"{"AliasName":"alias/p"}"#) },
             ["kms:DeleteAlias arn:aws:kms:us-east-1:111122223333:alias/p", "kms:DeleteAlias \(otherKey)"]),
            ("UpdateKeyDescription", { _ = try await env.call(UpdateKeyDescription.self, #"{"KeyId":"\#(keyID)","Description":"d"}"#) },
             ["kms:UpdateKeyDescription \(key)"]),
            ("DisableKey", { _ = try await env.call(DisableKey.self, #"{"KeyId":"\#(keyID)"}"#) }, ["kms:DisableKey \(key)"]),
            ("EnableKey", { _ = try await env.call(EnableKey.self, #"{"KeyId":"\#(keyID)"}"#) }, ["kms:EnableKey \(key)"]),
            ("ScheduleKeyDeletion", { _ = try await env.call(ScheduleKeyDeletion.self, #"{"KeyId":"\#(keyID)","PendingWindowInDays":7}"#) },
             ["kms:ScheduleKeyDeletion \(key)"]),
            ("CancelKeyDeletion", { _ = try await env.call(CancelKeyDeletion.self, #"{"KeyId":"\#(keyID)"}"#) },
             ["kms:CancelKeyDeletion \(key)"]),
            ("GetKeyPolicy", { _ = try await env.call(GetKeyPolicy.self, #"{"KeyId":"\#(keyID)"}"#) }, ["kms:GetKeyPolicy \(key)"]),
            ("TagResource", { _ = try await env.call(TagResource.self, #"{"KeyId":"\#(keyID)","Tags":[{"TagKey":"a","TagValue":"b"}]}"#) },
             ["kms:TagResource \(key)"]),
            ("UntagResource", { _ = try await env.call(UntagResource.self, #"{"KeyId":"\#(keyID)","TagKeys":["a"]}"#) },
             ["kms:UntagResource \(key)"]),
            ("ListResourceTags", { _ = try await env.call(ListResourceTags.self, #"{"KeyId":"\#(keyID)"}"#) }, ["kms:ListResourceTags \(key)"]),
            // On the other key: CancelKeyDeletion above leaves this one disabled.
            ("EnableKeyRotation", { _ = try await env.call(EnableKeyRotation.self, #"{"KeyId":"\#(other)"}"#) }, ["kms:EnableKeyRotation \(otherKey)"]),
            ("DisableKeyRotation", { _ = try await env.call(DisableKeyRotation.self, #"{"KeyId":"\#(other)"}"#) }, ["kms:DisableKeyRotation \(otherKey)"]),
            ("GetKeyRotationStatus", { _ = try await env.call(GetKeyRotationStatus.self, #"{"KeyId":"\#(other)"}"#) },
             ["kms:GetKeyRotationStatus \(otherKey)"]),
            ("RotateKeyOnDemand", { _ = try await env.call(RotateKeyOnDemand.self, #"{"KeyId":"\#(other)"}"#) }, ["kms:RotateKeyOnDemand \(otherKey)"]),
            ("GetKeyLastUsage", { _ = try await env.call(GetKeyLastUsage.self, #"{"KeyId":"\#(other)"}"#) }, ["kms:GetKeyLastUsage \(otherKey)"]),
            ("ListKeyRotations", { _ = try await env.call(ListKeyRotations.self, #"{"KeyId":"\#(other)"}"#) }, ["kms:ListKeyRotations \(otherKey)"]),
            ("ListKeyPolicies", { _ = try await env.call(ListKeyPolicies.self, #"{"KeyId":"\#(keyID)"}"#) }, ["kms:ListKeyPolicies \(key)"]),
            // The second question is the lockout check: may the caller still put a policy under the new one?
            ("PutKeyPolicy", { _ = try await env.call(PutKeyPolicy.self, #"{"KeyId":"\#(keyID)","Policy":"\#(policy)"}"#) },
             ["kms:PutKeyPolicy \(key)", "kms:PutKeyPolicy \(key)"]),
            // The second question: do policies alone allow it, or only a grant, which then bounds what may be granted?
            ("CreateGrant", {
                _ = try await env.call(CreateGrant.self, #"{"KeyId":"\#(keyID)","GranteePrincipal":"\#(root)","Operations":["Decrypt"]}"#)
            }, ["kms:CreateGrant \(key)", "kms:CreateGrant \(key)"]),
            ("ListGrants", { _ = try await env.call(ListGrants.self, #"{"KeyId":"\#(keyID)"}"#) }, ["kms:ListGrants \(key)"]),
            ("ListRetirableGrants", { _ = try await env.call(ListRetirableGrants.self, #"{"RetiringPrincipal":"\#(root)"}"#) },
             ["kms:ListRetirableGrants *"]),
            ("RevokeGrant", { _ = try await env.call(RevokeGrant.self, #"{"KeyId":"\#(keyID)","GrantId":"\#(revocable.GrantId)"}"#) },
             ["kms:RevokeGrant \(key)"]),
            // Its retiring principal may retire a grant without asking any policy.
            ("RetireGrant", { _ = try await env.call(RetireGrant.self, #"{"GrantToken":"\#(retirable.GrantToken)"}"#) }, []),
        ]
        #expect(Set(cases.map(\.0)) == Set(KMSOperations.implemented.keys.map(\.rawValue)), "every implemented operation is covered")
        for (name, call, expected) in cases {
            authorizer.reset()
            try await call()
            #expect(authorizer.requests == expected, "\(name)")
        }
    }

    /// A denial stops the request before key state checks, DryRun, the key
    /// store and any write, and is recorded.
    @Test func aDenialStopsTheRequestBeforeAnythingElse() async throws {
        let authorizer = RecordingAuthorizer(deny: ["kms:Encrypt", "kms:DisableKey"])
        let env = try TestEnvironment()
        let counting = CountingKeyStore(env.keyStore)
        let pipeline = RequestPipeline(
            environment: ServiceEnvironment(store: env.store, keyStore: counting, secrets: env.environment.secrets, accountID: TestEnvironment.accountID, region: TestEnvironment.region),
            authorizer: authorizer, auditSink: env.audit
        )
        func call<Operation: KMSOperation>(_: Operation.Type, _ json: String) async throws -> Operation.Response {
            try await pipeline.run(Operation.self, try JSONDecoder().decode(Operation.Request.self, from: Data(json.utf8)), context: env.requestContext())
        }
        let keyID = try await env.call(CreateKey.self, #"{"Description":"made before the denial"}"#).KeyMetadata.KeyId
        _ = try await env.call(GenerateDataKey.self, #"{"KeyId":"\#(keyID)","NumberOfBytes":16}"#)
        await Self.expect(.accessDenied) { _ = try await call(Encrypt.self, #"{"KeyId":"\#(keyID)","Plaintext":"aGk=","DryRun":true}"#) }
        await Self.expect(.accessDenied) { _ = try await call(DisableKey.self, #"{"KeyId":"\#(keyID)"}"#) }
        #expect(counting.operations == 0)
        #expect(try await env.call(DescribeKey.self, #"{"KeyId":"\#(keyID)"}"#).KeyMetadata.KeyState == "Enabled")
        let denied = env.audit.events.filter { $0.errorCode == "AccessDeniedException" }
        #expect(denied.map(\.eventName) == ["Encrypt", "DisableKey"])
        #expect(denied.allSatisfy { $0.resources == [Self.arn(keyID)] })
    }

    // MARK: key checks and DryRun

    @Test func keyStateIsCheckedBeforeDryRunAndDryRunBeforeCryptography() async throws {
        let env = try TestEnvironment()
        let counting = CountingKeyStore(env.keyStore)
        let pipeline = RequestPipeline(
            environment: ServiceEnvironment(store: env.store, keyStore: counting, secrets: env.environment.secrets, accountID: TestEnvironment.accountID, region: TestEnvironment.region),
            authorizer: env.pipeline.authorizer, auditSink: env.audit
        )
        func call<Operation: KMSOperation>(_: Operation.Type, _ json: String) async throws -> Operation.Response {
            try await pipeline.run(Operation.self, try JSONDecoder().decode(Operation.Request.self, from: Data(json.utf8)), context: env.requestContext())
        }
        let keyID = try await env.call(CreateKey.self, "{}").KeyMetadata.KeyId
        let blob = try await call(Encrypt.self, #"{"KeyId":"\#(keyID)","Plaintext":"aGk="}"#).CiphertextBlob.base64EncodedString()
        #expect(counting.operations == 1)
        for json in [
            #"{"KeyId":"\#(keyID)","Plaintext":"aGk=","DryRun":true}"#,
        ] {
            await Self.expect(.dryRun) { _ = try await call(Encrypt.self, json) }
        }
        await Self.expect(.dryRun) { _ = try await call(Decrypt.self, #"{"CiphertextBlob":"\#(blob)","DryRun":true}"#) }
        await Self.expect(.dryRun) { _ = try await call(GenerateDataKey.self, #"{"KeyId":"\#(keyID)","NumberOfBytes":8,"DryRun":true}"#) }
        await Self.expect(.dryRun) {
            _ = try await call(ReEncrypt.self, #"{"CiphertextBlob":"\#(blob)","DestinationKeyId":"\#(keyID)","DryRun":true}"#)
        }
        #expect(counting.operations == 1, "DryRun reached the key store")
        // An algorithm the key does not support, then a state it cannot be used in, win over DryRun.
        await Self.expect(.invalidKeyUsage) {
            _ = try await call(Encrypt.self, #"{"KeyId":"\#(keyID)","Plaintext":"aGk=","EncryptionAlgorithm":"RSAES_OAEP_SHA_256","DryRun":true}"#)
        }
        _ = try await env.call(DisableKey.self, #"{"KeyId":"\#(keyID)"}"#)
        await Self.expect(.disabled) { _ = try await call(Encrypt.self, #"{"KeyId":"\#(keyID)","Plaintext":"aGk=","DryRun":true}"#) }
        #expect(counting.operations == 1)
    }

    // MARK: audit

    @Test func successesAndFailuresAreRecordedWhole() async throws {
        let env = try TestEnvironment()
        let created = try await env.call(CreateKey.self, #"{"Description":"audited","Tags":[{"TagKey":"t","TagValue":"v"}]}"#)
        let keyID = created.KeyMetadata.KeyId
        _ = try await env.call(Encrypt.self, #"{"KeyId":"\#(keyID)","Plaintext":"aGk=","EncryptionContext":{"app":"x"}}"#)
        await Self.expect(.notFound) { _ = try await env.call(DescribeKey.self, #"{"KeyId":"alias/missing"}"#) }
        let context = env.requestContext()
        await Self.expect(.serialization) { _ = try await env.pipeline.handle(target: "TrentService.Encrypt", body: Array("{".utf8), context: context) }
        await Self.expect(.unknownOperation) { _ = try await env.pipeline.handle(target: "TrentService.Nope", body: [], context: context) }
        await Self.expect(.unsupportedOperation) { _ = try await env.pipeline.handle(target: "TrentService.ReplicateKey", body: [], context: context) }

        let events = env.audit.events
        #expect(events.map(\.eventName) == ["CreateKey", "Encrypt", "DescribeKey", "Encrypt", "Nope", "ReplicateKey"])
        for event in events {
            #expect(event.eventSource == "kms.amazonaws.com")
            #expect(event.awsRegion == "us-east-1")
            #expect(event.principal?.arn == "arn:aws:iam::111122223333:root")
            #expect(event.principal?.accessKeyID == "AKIDTESTENVIRONMENT1")
            #expect(event.sourceIPAddress == "192.0.2.1")
            #expect(event.userAgent == "trent-tests")
            #expect(!event.requestID.isEmpty)
        }
        let (create, encrypt, describe, undecodable, unknown, unsupported) = (events[0], events[1], events[2], events[3], events[4], events[5])
        #expect(create.readOnly == false && create.errorCode == nil)
        #expect(create.requestParameters?["description"] == .string("audited"))
        #expect(create.requestParameters?["tags"] == .list([.fields(["tagKey": .string("t"), "tagValue": .string("v")])]))
        guard case .fields(let metadata)? = create.responseElements?["keyMetadata"] else {
            Issue.record("CreateKey has no keyMetadata response element")
            return
        }
        #expect(metadata["arn"] == .string(Self.arn(keyID)))
        #expect(encrypt.readOnly && encrypt.resources == [Self.arn(keyID)] && encrypt.responseElements == nil)
        #expect(encrypt.requestParameters == [
            "keyId": .string(keyID), "encryptionContext": .fields(["app": .string("x")]), "encryptionAlgorithm": .string("SYMMETRIC_DEFAULT"),
        ])
        #expect(describe.errorCode == "NotFoundException" && describe.errorMessage?.contains("alias/missing") == true)
        #expect(describe.requestParameters == ["keyId": .string("alias/missing")] && describe.resources.isEmpty)
        #expect(undecodable.errorCode == "SerializationException" && undecodable.requestParameters == nil)
        #expect(unknown.errorCode == "UnknownOperationException")
        #expect(unsupported.errorCode == "UnsupportedOperationException")
    }

    /// No plaintext, data key or random byte string reaches a record, in any encoding.
    @Test func recordsNeverCarrySecrets() async throws {
        let env = try TestEnvironment()
        let keyID = try await env.call(CreateKey.self, "{}").KeyMetadata.KeyId
        let plaintext = Data("the secret plaintext, 0123456789".utf8)
        var secrets: [Data] = [plaintext]
        let encrypted = try await env.call(Encrypt.self, #"{"KeyId":"\#(keyID)","Plaintext":"\#(plaintext.base64EncodedString())"}"#)
        let blob = encrypted.CiphertextBlob.base64EncodedString()
        secrets.append(try await env.call(Decrypt.self, #"{"CiphertextBlob":"\#(blob)"}"#).Plaintext)
        _ = try await env.call(ReEncrypt.self, #"{"CiphertextBlob":"\#(blob)","DestinationKeyId":"\#(keyID)"}"#)
        let dataKey = try await env.call(GenerateDataKey.self, #"{"KeyId":"\#(keyID)","KeySpec":"AES_256"}"#)
        secrets.append(dataKey.Plaintext)
        secrets.append(try await env.call(GenerateRandom.self, #"{"NumberOfBytes":32}"#).Plaintext)
        _ = try await env.call(GenerateDataKeyWithoutPlaintext.self, #"{"KeyId":"\#(keyID)","KeySpec":"AES_256"}"#)
        await Self.expect(.dryRun) {
            _ = try await env.call(Encrypt.self, #"{"KeyId":"\#(keyID)","Plaintext":"\#(plaintext.base64EncodedString())","DryRun":true}"#)
        }

        #expect(env.audit.events.count == 8)
        let recorded = env.audit.events.map { String(reflecting: $0) }.joined(separator: "\n")
        #expect(recorded.contains(keyID), "the records are searchable at all")
        for secret in secrets {
            let hex = secret.map { String(format: "%02x", $0) }.joined()
            for form in [secret.base64EncodedString(), hex, String(decoding: secret, as: UTF8.self)] where form.count >= 16 {
                #expect(!recorded.contains(form), "a record carries \(form)")
            }
        }
    }

    /// If the record cannot be kept, the request fails and its change is not kept either.
    @Test func aSinkThatCannotRecordFailsTheRequestAndKeepsNothing() async throws {
        let env = try TestEnvironment()
        let keyID = try await env.call(CreateKey.self, "{}").KeyMetadata.KeyId
        let failing = RequestPipeline(
            environment: env.environment, authorizer: env.pipeline.authorizer, auditSink: FailingAuditSink()
        )
        func call<Operation: KMSOperation>(_: Operation.Type, _ json: String) async throws -> Operation.Response {
            try await failing.run(Operation.self, try JSONDecoder().decode(Operation.Request.self, from: Data(json.utf8)), context: env.requestContext())
        }
        await Self.expect(.internalFailure) { _ = try await call(DisableKey.self, #"{"KeyId":"\#(keyID)"}"#) }
        await Self.expect(.internalFailure) { _ = try await call(Encrypt.self, #"{"KeyId":"\#(keyID)","Plaintext":"aGk="}"#) }
        // A failure that cannot be recorded is an internal failure too, not the client error it was.
        await Self.expect(.internalFailure) { _ = try await call(DescribeKey.self, #"{"KeyId":"alias/missing"}"#) }
        await Self.expect(.internalFailure) { _ = try await call(CreateKey.self, "{}") }
        #expect(try await env.call(DescribeKey.self, #"{"KeyId":"\#(keyID)"}"#).KeyMetadata.KeyState == "Enabled")
        #expect(try await env.call(ListKeys.self, "{}").Keys.count == 1)
    }
}
