// Package sdkconformance holds only tests: the official Huawei Cloud Go SDK calls a fake cloud for every call
// the provider makes, and each raw answer is checked strictly against the SDK's generated response model.
package sdkconformance
