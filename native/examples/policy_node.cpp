// policy_node.cpp: the loop of a ROS-2-style policy node, without ROS: observations arrive on a queue (as from a
// subscription), a control timer takes the latest one, acts, and publishes the action (here: prints it). A second
// worker thread runs its own replica of the policy (qail_replicate), as a node with two callback groups would.
//
//   policy_node POLICY INPUTS STEPS   (built and run by run.sh)
//
// Same INPUTS format and output as act.c; the replica's actions must equal the main policy's.
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "qail.h"

namespace {

struct PolicyDeleter {
    void operator()(qail_policy *p) const { qail_free(p); }
};
using Policy = std::unique_ptr<qail_policy, PolicyDeleter>;

// Owns one policy and the buffers of its step; act() allocates nothing.
class PolicyNode {
public:
    explicit PolicyNode(Policy policy) : policy_(std::move(policy)) {
        state_ = qail_state_size(policy_.get());
        image_ = qail_image_size(policy_.get(), nullptr, nullptr, nullptr);
        tokens_ = qail_instruction_length(policy_.get());
        command_ = qail_reads_command(policy_.get());
        action_.resize(qail_action_size(policy_.get()));
    }

    size_t record_size() const { return state_ * 4 + image_ + tokens_ * 4 + command_ * 4; }

    // The timer callback: one observation record in, the action out.
    const std::vector<float> &on_timer(const uint8_t *record) {
        qail_inputs step{};
        step.state = reinterpret_cast<const float *>(record);
        step.state_length = state_;
        record += state_ * 4;
        step.image = record;
        step.image_length = image_;
        record += image_;
        step.instruction = reinterpret_cast<const int32_t *>(record);
        step.instruction_length = tokens_;
        record += tokens_ * 4;
        if (command_) {
            std::memcpy(&step.command, record, 4);
            step.has_command = 1;
        }
        if (qail_act(policy_.get(), &step, action_.data(), action_.size()) != QAIL_OK)
            throw std::runtime_error(std::string("qail_act: ") + qail_last_error());
        return action_;
    }

    Policy replicate() const { return Policy(qail_replicate(policy_.get())); }

private:
    Policy policy_;
    int32_t state_, image_, tokens_, command_;
    std::vector<float> action_;
};

}  // namespace

int main(int argc, char **argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: policy_node POLICY INPUTS STEPS\n");
        return 2;
    }
    Policy loaded(qail_load(argv[1]));
    if (!loaded) {
        std::fprintf(stderr, "load failed: %s\n", qail_last_error());
        return 1;
    }
    PolicyNode node(std::move(loaded));
    Policy replica = node.replicate();
    if (!replica) {
        std::fprintf(stderr, "replicate failed: %s\n", qail_last_error());
        return 1;
    }
    PolicyNode worker(std::move(replica));

    std::ifstream file(argv[2], std::ios::binary);
    std::vector<uint8_t> inputs((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    long steps = std::stol(argv[3]);
    if (inputs.size() != node.record_size() * static_cast<size_t>(steps)) {
        std::fprintf(stderr, "inputs: %zu bytes, expected %zu\n", inputs.size(), node.record_size() * steps);
        return 1;
    }

    // The worker acts on every record on its own thread; the node's loop must agree with it bit for bit.
    std::vector<std::vector<float>> from_worker(steps);
    std::thread thread([&] {
        for (long t = 0; t < steps; t++) from_worker[t] = worker.on_timer(inputs.data() + node.record_size() * t);
    });
    std::vector<std::vector<float>> published;
    for (long t = 0; t < steps; t++) published.push_back(node.on_timer(inputs.data() + node.record_size() * t));
    thread.join();

    for (long t = 0; t < steps; t++) {
        if (std::memcmp(published[t].data(), from_worker[t].data(), published[t].size() * 4) != 0) {
            std::fprintf(stderr, "step %ld: the replica's action differs\n", t);
            return 1;
        }
        for (size_t i = 0; i < published[t].size(); i++) {
            uint32_t bits;
            std::memcpy(&bits, &published[t][i], 4);
            std::printf(i ? " %08x" : "%08x", bits);
        }
        std::printf("\n");
    }
    return 0;
}
