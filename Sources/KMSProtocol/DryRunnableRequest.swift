/// A request with AWS's `DryRun` member: checked by the request pipeline
/// after authorization and key checks, before any cryptography.
public protocol DryRunnableRequest {
    var DryRun: Bool? { get }
}
